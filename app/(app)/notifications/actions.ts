"use server";

import { getDb } from "@/db";
import { actorAction } from "@/lib/action";
import { plural } from "@/lib/format";
import { markNotificationsRead } from "@/lib/notifications";

// Thin: lib/notifications parses, authorizes (only one's own) and records.

export const markAllReadAction = actorAction(
  async (actor) => {
    const { read } = await markNotificationsRead(getDb(), actor, "all");
    return read ? `Marked ${plural(read, "notification")} read.` : "Nothing was unread.";
  },
  { revalidate: "/notifications" },
);
