import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ListPage } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { isoMinute } from "@/lib/format";
import { myNotifications } from "@/lib/notifications";
import { MarkAllRead } from "./mark-all-read";

export const metadata: Metadata = { title: "Notifications" };

/** A notification's kind in words, and whether it asks for something now (overdue, escalated). */
const kindOf = (kind: string): { words: string; urgent: boolean } =>
  kind === "review_reminder"
    ? { words: "Reminder", urgent: false }
    : kind === "review_handed_over"
      ? { words: "Handed to you", urgent: false }
      : { words: kind === "review_escalated" ? "Escalated to you" : "Overdue", urgent: true };

/** What Steward has told the signed-in person (review reminders and escalations), newest first. */
export default async function NotificationsPage() {
  const actor = await requireActor();
  const items = await myNotifications(getDb(), actor);
  const unread = items.filter((n) => !n.readAt).length;
  return (
    <ListPage
      id="notifications-heading"
      title="Notifications"
      spaced
      description="Reminders of reviews waiting for you, and what went overdue. The latest 50."
    >
      {unread ? <MarkAllRead /> : null}
      {items.length ? (
        <ul
          className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
          aria-label="Notifications"
        >
          {items.map((n) => (
            <li key={n.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-3 text-sm">
              <Badge tone={kindOf(n.kind).urgent ? "bad" : "info"}>{kindOf(n.kind).words}</Badge>
              {n.readAt ? null : <span className="font-semibold text-brand-800">New</span>}
              <Link href={n.href} className="text-brand-700 underline underline-offset-2">
                {n.text}
              </Link>
              <span className="ml-auto text-xs text-slate-600">{isoMinute(n.createdAt.toISOString())}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-700">Nothing yet: reminders and escalations of your reviews appear here.</p>
      )}
    </ListPage>
  );
}
