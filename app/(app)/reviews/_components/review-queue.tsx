"use client";

import { useActionState, useRef, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Badge } from "@/components/ui/badge";
import { BulkBar } from "@/components/ui/bulk-bar";
import { Button, SubmitChoices, type Choice } from "@/components/ui/button";
import { useBulkAction } from "@/components/ui/list-columns";
import { formFields, InputField, TextareaField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { humanize, relativeTime } from "@/lib/format";
import { riskBand } from "@/lib/identities/browser";
import { bulkDecideAction, decideItemAction } from "../actions";
import { BulkDecisionFields } from "./bulk-decision-fields";
import { ConfirmForm } from "./confirm-form";
import { useReviewKeys } from "./use-review-keys";

export type QueueItem = {
  id: string;
  identityId: string;
  identity: string;
  kind: string;
  system: string;
  environment: string;
  owner: string | null;
  ownerLeft: boolean;
  purpose: string | null;
  lastUsedAt: string | null;
  riskScore: number;
  entitlements: { grant: string; privileged: boolean; others: number; orMore: boolean }[];
  suggestion: { decision: "certify" | "revoke"; reason: string } | null;
  needsComment: boolean;
  /** Past its due date and escalated: whose item it was (it may be decided by them or by you). */
  escalatedFrom: string | null;
  /** The second stage: a certification waiting for security's confirmation (who made it, and why). */
  confirm: { by: string | null; comment: string | null } | null;
};

const CHOICES: Choice[] = [
  ["certify", "Certify"],
  ["revoke", "Revoke", "danger"],
];
const REASSIGN: Choice = ["reassign", "Reassign", "secondary"];

/** The reviewer's queue: a card per item with its facts and suggestion, one decision each or in bulk. */
export function ReviewQueue({ items, nowIso }: { items: QueueItem[]; nowIso: string }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const certify = useBulkAction(bulkDecideAction);
  const list = useRef<HTMLUListElement>(null);
  useReviewKeys(list);
  // A second stage's confirmation is answered one by one, never in bulk.
  const selectable = items.filter((x) => !x.confirm);
  const ids = selectable.filter((x) => selected.has(x.id)).map((x) => x.id);
  if (!items.length && !certify.result)
    return (
      <p className="rounded-lg border border-slate-200 bg-white p-6 text-center text-slate-600">
        Nothing waits for you.
      </p>
    );
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={selectable.length > 0 && ids.length === selectable.length}
            onChange={(e) => setSelected(new Set(e.target.checked ? selectable.map((x) => x.id) : []))}
          />
          Select all {selectable.length} on this page
        </label>
        <p className="text-slate-600">
          Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>c</kbd> certify, <kbd>r</kbd> revoke, <kbd>a</kbd> reassign.
        </p>
      </div>
      <BulkBar
        name="Bulk decision"
        verb="Decide selected"
        ids={ids}
        {...certify}
        hint="Certify or revoke the selection, or accept each one's suggestion. Items that need a comment are skipped and listed."
      >
        <BulkDecisionFields />
      </BulkBar>
      <ul ref={list} className="space-y-3" aria-label="Items to review">
        {items.map((x) => (
          <ItemCard key={x.id} item={x} nowIso={nowIso} selected={selected.has(x.id)} onToggle={() => toggle(x.id)} />
        ))}
      </ul>
    </div>
  );
}

function ItemCard({
  item: x,
  nowIso,
  selected,
  onToggle,
}: {
  item: QueueItem;
  nowIso: string;
  selected: boolean;
  onToggle: () => void;
}) {
  const [result, decide, deciding] = useActionState<ActionResult, FormData>(decideItemAction, null);
  const [reassigning, setReassigning] = useState(false);
  const comment = useKeptValue("");
  const newOwner = useKeptValue("");
  const f = formFields({
    errors: result,
    idPrefix: `i-${x.id}-`,
    layout: "flow",
    className: "w-full max-w-md text-sm",
  });
  const band = riskBand(x.riskScore);
  return (
    <li
      tabIndex={-1}
      className="rounded-lg border border-slate-200 bg-white p-4 focus:outline-none focus:ring-2 focus:ring-brand-600"
      aria-labelledby={`i-${x.id}-name`}
    >
      <div className="flex flex-wrap items-start gap-3">
        {x.confirm ? null : (
          <input
            type="checkbox"
            checked={selected}
            onChange={onToggle}
            aria-label={`Select ${x.identity}`}
            className="mt-1"
          />
        )}
        <div className="min-w-0 flex-1 space-y-1">
          <h2 id={`i-${x.id}-name`} className="font-semibold">
            <a href={`/identities/${x.identityId}`} className="text-brand-700 underline underline-offset-2">
              {x.identity}
            </a>{" "}
            <span className="text-sm font-normal text-slate-600">
              {humanize(x.kind)} in {x.system} ({x.environment})
            </span>
          </h2>
          <p className="text-sm">
            Owner: {x.owner ?? "nobody"} {x.ownerLeft ? <Badge tone="bad">left</Badge> : null} · Last used:{" "}
            {x.lastUsedAt ? relativeTime(x.lastUsedAt, nowIso) : "never"} · Risk{" "}
            <Badge tone={band === "high" ? "bad" : band === "medium" ? "warn" : "good"}>{x.riskScore}</Badge>
          </p>
          {x.escalatedFrom ? (
            <p className="text-sm">
              <Badge tone="bad">overdue</Badge> Escalated from {x.escalatedFrom}: either of you may decide it.
            </p>
          ) : null}
          <p className="text-sm text-slate-700">{x.purpose ?? "No purpose stated."}</p>
          {x.entitlements.length ? (
            <p className="text-sm">
              {x.entitlements.map((e) => (
                <span key={e.grant} className="mr-2 inline-block">
                  {e.grant}
                  {e.privileged ? <Badge tone="warn">privileged</Badge> : null}
                  <span className="text-xs text-slate-600">
                    {" "}
                    (
                    {e.others === 0
                      ? "no other identity holds it"
                      : `${e.others.toLocaleString("en")}${e.orMore ? " or more" : ""} others hold it`}
                    )
                  </span>
                </span>
              ))}
            </p>
          ) : null}
          {x.suggestion ? (
            <p className="text-sm" data-testid="suggestion">
              Suggested: <strong>{humanize(x.suggestion.decision)}</strong>. {x.suggestion.reason}
            </p>
          ) : null}
        </div>
      </div>
      {x.confirm ? (
        <ConfirmForm itemId={x.id} by={x.confirm.by} comment={x.confirm.comment} />
      ) : (
        <form action={decide} className="mt-3 space-y-2">
          <input type="hidden" name="itemId" value={x.id} />
          <TextareaField
            label={x.needsComment ? "Comment (required to certify: privileged or high risk)" : "Comment (optional)"}
            {...f("comment")}
            rows={1}
            {...comment}
          />
          {reassigning ? (
            <InputField label="New owner's email" {...f("newOwner")} type="email" autoComplete="off" {...newOwner} />
          ) : null}
          <SubmitChoices name="decision" choices={reassigning ? [...CHOICES, REASSIGN] : CHOICES} disabled={deciding}>
            {reassigning ? null : (
              <Button type="button" variant="secondary" onClick={() => setReassigning(true)}>
                Reassign…
              </Button>
            )}
          </SubmitChoices>
          <ActionOutcome result={result} />
        </form>
      )}
    </li>
  );
}
