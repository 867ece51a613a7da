import Link from "next/link";
import { HeaderIconLink } from "@/components/shell/header-icon-link";
import { NavLinks } from "@/components/shell/nav-links";
import { Button } from "@/components/ui/button";
import { requireActor } from "@/lib/auth";
import { navigationFor } from "@/lib/navigation";
import { getDb } from "@/db";
import { now } from "@/lib/clock";
import { pluralWord } from "@/lib/format";
import { unreadNotifications } from "@/lib/notifications";
import { inbox, INBOX_CAP } from "@/lib/requests";
import { signOutAction } from "./actions";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  const [box, unread] = await Promise.all([inbox(getDb(), actor, now()), unreadNotifications(getDb(), actor)]);
  const inboxBadge = box.toDecide > INBOX_CAP ? `${INBOX_CAP}+` : box.toDecide + box.decided || null;
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-[100rem] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
          <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-brand-800">
            <svg aria-hidden="true" viewBox="0 0 32 32" className="h-7 w-7">
              <rect width="32" height="32" rx="7" fill="#1f6f5c" />
              <path d="M16 6l8 3v6c0 5-3.4 9.2-8 11-4.6-1.8-8-6-8-11V9z" fill="#fff" />
            </svg>
            Steward
          </Link>
          <nav aria-label="Main" className="flex-1">
            <NavLinks items={navigationFor(actor)} />
          </nav>
          <div className="flex items-center gap-3">
            <HeaderIconLink
              href="/notifications"
              label={`Notifications: ${unread} unread`}
              testId="bell"
              badge={unread > 99 ? "99+" : unread || null}
            >
              <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
              <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
            </HeaderIconLink>
            <HeaderIconLink
              href={box.toDecide ? "/requests?queue=decide" : "/requests?queue=mine"}
              // The badge's number is in the name too (axe: the visible text is part of the name).
              label={`Inbox: ${box.toDecide > INBOX_CAP ? `more than ${INBOX_CAP}` : box.toDecide} ${pluralWord(box.toDecide, "request waits", "requests wait")} for your decision, ${box.decided} of yours decided in the last 3 days${inboxBadge !== null ? `; ${inboxBadge} in all` : ""}`}
              testId="inbox"
              badge={inboxBadge}
            >
              <path d="M22 12h-6l-2 3h-4l-2-3H2" />
              <path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z" />
            </HeaderIconLink>
            <div className="text-right text-sm leading-tight">
              <div className="font-medium" data-testid="current-person">
                {actor.name}
              </div>
              <div className="text-slate-600">{actor.roles.join(", ")}</div>
            </div>
            <form action={signOutAction}>
              <Button variant="secondary" type="submit">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-[100rem] px-4 py-6">
        {children}
      </main>
    </div>
  );
}
