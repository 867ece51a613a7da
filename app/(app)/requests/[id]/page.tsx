import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DetailHeader } from "@/components/ui/page-header";
import { Fact, FactList, Panel, PlainTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { humanize, isoMinute } from "@/lib/format";
import { getRequestDetail, type RequestDetail } from "@/lib/requests";
import { DecisionForms } from "../_components/decision-forms";
import { RequestStatusBadge } from "../_components/request-status-badge";

export const metadata: Metadata = { title: "Request" };

/** A payload key as words: backupOwner → Backup owner. */
const label = (key: string) => humanize(key.replace(/([A-Z])/g, "_$1").toLowerCase());

type Props = { params: Promise<{ id: string }> };

export default async function RequestPage({ params }: Props) {
  const actor = await requireActor();
  const { id } = await params;
  let r: RequestDetail;
  try {
    r = await getRequestDetail(getDb(), actor, id);
  } catch (e) {
    if (e instanceof DomainError && e.code === "not_found") notFound();
    throw e;
  }
  const asked = Object.entries(r.payload).filter(
    ([k, v]) => v !== null && v !== undefined && v !== "" && k !== "justification",
  );
  return (
    <article aria-labelledby="request-heading" className="max-w-4xl space-y-6">
      <DetailHeader
        back={{ href: "/requests", label: "Requests" }}
        id="request-heading"
        title={
          <>
            {humanize(r.type)}
            {r.subject ? `: ${r.subject}` : ""}
          </>
        }
        badges={<RequestStatusBadge status={r.status} />}
      >
        <p className="text-sm text-slate-600">
          Asked by {r.requester} on {isoMinute(r.createdAt)}
          {r.decidedAt ? `; decided ${isoMinute(r.decidedAt)}` : ""}.
          {r.subjectId ? (
            <>
              {" "}
              <a className="text-brand-700 underline" href={`/identities/${r.subjectId}`}>
                Open the identity
              </a>
              .
            </>
          ) : null}
        </p>
      </DetailHeader>

      <Panel id="asked-heading" title="What is asked">
        <FactList className="mt-2 gap-y-1">
          {asked.map(([k, v]) => {
            const ref = r.references[k];
            return (
              <Fact key={k} term={label(ref ? k.replace(/Id$/, "") : k)} className={ref ? undefined : "break-all"}>
                {ref?.kind === "identity" ? (
                  <Link href={`/identities/${ref.id}`} className="text-brand-700 underline">
                    {ref.name}
                  </Link>
                ) : ref ? (
                  ref.name
                ) : typeof v === "object" ? (
                  JSON.stringify(v)
                ) : (
                  String(v)
                )}
              </Fact>
            );
          })}
          <Fact term="Justification">{r.justification}</Fact>
        </FactList>
      </Panel>

      {r.grant ? (
        <Panel id="grant-heading" title="In the target system">
          <p className="mt-2 text-sm" data-testid="grant-progress">
            {r.grant.entitlementStatus === "pending"
              ? r.grant.status === "failed"
                ? `Not granted yet: attempt ${r.grant.attempts} failed: ${r.grant.lastError ?? "no detail"}`
                : r.grant.status === "executed"
                  ? "Waiting for a person to confirm the grant in the system."
                  : "Approved; the grant is being carried out in the system."
              : r.grant.entitlementStatus === "active"
                ? `Granted and confirmed by the system${r.grant.verifiedAt ? ` at ${isoMinute(r.grant.verifiedAt)}` : ""}.${r.grant.expiresAt ? ` It ends by itself at ${isoMinute(r.grant.expiresAt)}.` : ""}`
                : `The entitlement is ${r.grant.entitlementStatus} now.`}{" "}
            <Link href={`/identities/${r.subjectId}`} className="text-brand-700 underline">
              The identity&rsquo;s revocations and grants
            </Link>
          </p>
        </Panel>
      ) : null}

      <Panel id="stages-heading" title="Approvals">
        {r.stages.length === 0 ? (
          <p className="mt-2 text-sm">None needed: policy approved it as the standard baseline.</p>
        ) : (
          <ol className="mt-2 space-y-2 text-sm">
            {r.stages.map((s) => (
              <li key={s.position} className="border-l-2 border-slate-300 pl-3">
                <p>
                  <span className="font-medium">
                    Stage {s.position}:{" "}
                    {s.rule === "owner_manager"
                      ? `the owner's manager${s.approver ? ` (${s.approver})` : ""}`
                      : "security"}
                  </span>{" "}
                  ·{" "}
                  {s.decision
                    ? `${s.decision === "approve" ? "approved" : "denied"} by ${s.decidedBy} ${isoMinute(s.decidedAt)}`
                    : "waiting"}
                </p>
                <p className="text-slate-600">{s.reason}</p>
                {s.comment ? <p>“{s.comment}”</p> : null}
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <DecisionForms requestId={r.id} canDecide={r.can.decide} canCancel={r.can.cancel} />

      <Panel id="trace-heading" title={<>Policy decision (version {r.policyVersion})</>}>
        <RuleTable caption="Every rule that applied and its verdict" rules={r.trace.rules} />
        {r.trace.standard ? (
          <p className="mt-2 text-sm text-slate-700">
            Policy marks it <strong>standard</strong>: only the owner&apos;s manager decides and nothing privileged is
            asked for, so it may be approved in bulk.
          </p>
        ) : null}
      </Panel>

      {r.trace.recheck ? (
        <Panel
          id="recheck-heading"
          title={
            <>
              Policy&apos;s second look at the final approval (version {r.trace.recheck.version},{" "}
              {isoMinute(r.trace.recheck.at)})
            </>
          }
        >
          <p className="mt-1 text-sm">
            {r.trace.recheck.outcome === "deny"
              ? "Something changed while the request waited: policy refused it then, so nothing was carried out."
              : r.trace.recheck.addedStages.length
                ? `Policy asked for another stage then (${r.trace.recheck.addedStages.map((s) => (s === "owner_manager" ? "the owner's manager" : s)).join(", ")}).`
                : "Policy still allowed it, so the change was carried out."}
          </p>
          <RuleTable caption="Every rule at the final approval and its verdict" rules={r.trace.recheck.rules} />
        </Panel>
      ) : null}
    </article>
  );
}

/** Each rule policy applied and its verdict. */
function RuleTable({ caption, rules }: { caption: string; rules: { rule: string; result: string; reason: string }[] }) {
  return (
    <PlainTable caption={caption} headings={["Rule", "Verdict", "Why"]}>
      {rules.map((rule, i) => (
        <tr key={`${rule.rule}-${i}`}>
          <td className="py-1 pr-4 font-mono text-xs">{rule.rule}</td>
          <td className="pr-4">{humanize(rule.result)}</td>
          <td>{rule.reason}</td>
        </tr>
      ))}
    </PlainTable>
  );
}
