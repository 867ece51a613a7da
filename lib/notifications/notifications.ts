import "server-only";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { notificationColumns, pick } from "@/db/columns";
import { notifications } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { forbidden, parseInput } from "@/lib/errors";
import { idSelection } from "@/lib/validation";

/**
 * Each person reads and clears only their own notifications (a message to the security team was
 * written once for each of its members). Jobs write them, set-based (lib/reviews/reminders.ts).
 */
const shown = pick(notificationColumns, "id", "kind", "text", "href", "createdAt", "readAt");
export type Notification = {
  id: string;
  kind: string;
  text: string;
  href: string;
  createdAt: Date;
  readAt: Date | null;
};

const LATEST = 50;

/** The actor's latest notifications, newest first. */
export async function myNotifications(db: Database, actor: Actor): Promise<Notification[]> {
  return db
    .select(shown)
    .from(notifications)
    .where(eq(notifications.recipientId, actor.personId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(LATEST);
}

/** How many of the actor's notifications are unread (the bell's count). */
export async function unreadNotifications(db: Database, actor: Actor): Promise<number> {
  return db.$count(notifications, and(eq(notifications.recipientId, actor.personId), isNull(notifications.readAt)));
}

const markSchema = z.union([
  z.literal("all"),
  z.object({ ids: idSelection({ one: "notification", max: LATEST, atLeast: "Choose a notification." }) }),
]);

/** Marks the actor's own notifications read (those named, or all of them); another's is refused. */
export async function markNotificationsRead(db: Database, actor: Actor, raw: unknown): Promise<{ read: number }> {
  requireCanChange(actor);
  const input = parseInput(markSchema, raw, "Nothing was marked read.");
  return db.transaction(async (tx) => {
    if (input !== "all") {
      const owners = await tx
        .select({ recipientId: notifications.recipientId })
        .from(notifications)
        .where(inArray(notifications.id, input.ids));
      if (owners.length !== new Set(input.ids).size || owners.some((o) => o.recipientId !== actor.personId))
        throw forbidden("Those are not your notifications.");
    }
    const at = now();
    const read = await tx
      .update(notifications)
      .set({ readAt: at })
      .where(
        and(
          eq(notifications.recipientId, actor.personId),
          isNull(notifications.readAt),
          input === "all" ? undefined : inArray(notifications.id, input.ids),
        ),
      )
      .returning({ id: notifications.id });
    if (read.length)
      await record(tx, {
        actor: auditActor(actor),
        action: "notifications.read",
        subject: { type: "person", id: actor.personId },
        after: { read: read.length },
      });
    return { read: read.length };
  });
}
