import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { ListPage } from "@/components/ui/page-header";
import { ListTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { humanize, isoDay, plural } from "@/lib/format";
import { listCampaigns, mayRunCampaigns, myReviewCount, QUEUE_COUNT_CAP } from "@/lib/reviews";
import { Progress, STATUS_TONE } from "./_components/progress";

export const metadata: Metadata = { title: "Reviews" };

/** Access review campaigns the actor may see, and the way to the items waiting for them. */
export default async function ReviewsPage() {
  const actor = await requireActor();
  const db = getDb();
  const [campaigns, waiting] = await Promise.all([listCampaigns(db, actor), myReviewCount(db, actor)]);
  return (
    <ListPage
      id="reviews-heading"
      title="Reviews"
      wide
      spaced
      description="Each campaign asks reviewers to certify, revoke or reassign the identities in its scope; closing it carries out every decision."
    >
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/reviews/mine" className={buttonClass(waiting ? "primary" : "secondary")}>
          My reviews (
          {waiting > QUEUE_COUNT_CAP
            ? `more than ${QUEUE_COUNT_CAP.toLocaleString("en")} items`
            : plural(waiting, "item", "items", { grouped: true })}{" "}
          waiting)
        </Link>
        {mayRunCampaigns(actor) ? (
          <Link href="/reviews/new" className={buttonClass("secondary")}>
            New campaign
          </Link>
        ) : null}
      </div>
      <ListTable
        caption="Review campaigns"
        headings={["Campaign", "Status", "Progress", "Due", "Created by"]}
        empty="No campaigns yet."
        rows={campaigns.map((c) => (
          <tr key={c.id}>
            <td className="px-3 py-2">
              <Link href={`/reviews/${c.id}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
                {c.name}
              </Link>
            </td>
            <td className="px-3 py-2">
              <Badge tone={STATUS_TONE[c.status]}>{humanize(c.status)}</Badge>
              {c.status === "active" && !c.filledAt ? (
                <span className="ml-1 text-xs">(snapshot being taken)</span>
              ) : null}
            </td>
            <td className="px-3 py-2">
              {c.status === "draft" ? (
                "—"
              ) : (
                <Progress decided={c.decided} items={c.items} label={`${c.name}: decided`} />
              )}
            </td>
            <td className="px-3 py-2 whitespace-nowrap">{isoDay(c.dueAt.toISOString())}</td>
            <td className="px-3 py-2">{c.createdBy}</td>
          </tr>
        ))}
      />
    </ListPage>
  );
}
