"use client";

import { useActionState, useState } from "react";
import { RevocationStatus } from "@/components/ui/revocation-status";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";
import { isoMinute } from "@/lib/format";
import type { RevocationRow } from "@/lib/revocations/list";
import { confirmRevocationAction, revokeAction } from "../actions";

type Props = {
  identityId: string;
  canRevoke: boolean;
  canConfirm: boolean;
  entitlements: { id: string; label: string }[];
  revocations: RevocationRow[];
};

/** Revoke (reason required), and where each revocation of this identity stands, with its evidence. */
export function RevocationPanel({ identityId, canRevoke, canConfirm, entitlements, revocations }: Props) {
  const [revoked, revokeForm, revoking] = useActionState<ActionResult, FormData>(revokeAction, null);
  const [confirmed, confirmForm, confirming] = useActionState<ActionResult, FormData>(confirmRevocationAction, null);
  const [reason, setReason] = useState("");
  const [entitlementId, setEntitlementId] = useState("");
  const [evidence, setEvidence] = useState("");
  const err = (r: ActionResult, k: string) => (r && !r.ok ? r.fieldErrors?.[k]?.join(" ") : undefined);
  if (!canRevoke && revocations.length === 0) return null;
  return (
    <section aria-labelledby="revoke-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="revoke-heading" className="font-semibold">
        Revocation
      </h2>
      {canRevoke ? (
        <form action={revokeForm} className="space-y-2">
          <input type="hidden" name="id" value={identityId} />
          <label htmlFor="revoke-what" className="block text-sm font-medium">
            What to revoke
          </label>
          <select
            id="revoke-what"
            name="entitlementId"
            value={entitlementId}
            onChange={(e) => setEntitlementId(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          >
            <option value="">The whole identity (every credential and entitlement)</option>
            {entitlements.map((e) => (
              <option key={e.id} value={e.id}>
                Only {e.label}
              </option>
            ))}
          </select>
          <label htmlFor="revoke-reason" className="block text-sm font-medium">
            Reason (required)
          </label>
          <textarea
            id="revoke-reason"
            name="reason"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-describedby={err(revoked, "reason") ? "revoke-reason-error" : undefined}
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          {err(revoked, "reason") ? (
            <p id="revoke-reason-error" className="text-xs text-red-700">
              {err(revoked, "reason")}
            </p>
          ) : null}
          <Button type="submit" variant="danger" disabled={revoking}>
            Revoke
          </Button>
          <ActionOutcome result={revoked} />
        </form>
      ) : null}
      {revocations.length ? (
        <ol className="space-y-3 text-sm">
          {revocations.map((r) => (
            <li key={r.id} className="border-l-2 border-slate-300 pl-3" data-testid="revocation">
              <p>
                <RevocationStatus status={r.status} gaveUp={r.gaveUp} />{" "}
                <span className="font-medium">
                  {r.entitlement ? `Entitlement ${r.entitlement}` : "The whole identity"}
                </span>{" "}
                in {r.system} ({r.connector}) · asked {isoMinute(r.createdAt)}
                {r.requestedBy ? ` by ${r.requestedBy}` : ""}
              </p>
              <p className="text-slate-600">{r.reason}</p>
              {r.status === "failed" ? (
                <p className="text-red-800">
                  Attempt {r.attempts} of {r.maxAttempts} failed: {r.lastError}
                  {r.nextAttemptAt ? ` Next try ${isoMinute(r.nextAttemptAt)}.` : " Security must look at it."}
                </p>
              ) : null}
              {r.verifiedAt ? <p>Verified {isoMinute(r.verifiedAt)}.</p> : null}
              {r.connectorResult || r.evidence ? (
                <details>
                  <summary className="cursor-pointer text-brand-700">Evidence</summary>
                  <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 text-xs">
                    {JSON.stringify({ connector: r.connectorResult, confirmation: r.evidence }, null, 2)}
                  </pre>
                </details>
              ) : null}
              {r.status === "executed" && r.connector === "manual" && canConfirm ? (
                <form action={confirmForm} className="mt-2 space-y-1">
                  <input type="hidden" name="id" value={identityId} />
                  <input type="hidden" name="revocationId" value={r.id} />
                  <label htmlFor={`evidence-${r.id}`} className="block font-medium">
                    Evidence that it is removed (a note or a link)
                  </label>
                  <textarea
                    id={`evidence-${r.id}`}
                    name="evidence"
                    rows={2}
                    value={evidence}
                    onChange={(e) => setEvidence(e.target.value)}
                    className="w-full rounded-md border border-slate-300 px-2 py-1.5"
                  />
                  <Button type="submit" variant="secondary" disabled={confirming}>
                    Confirm removal
                  </Button>
                  <ActionOutcome result={confirmed} />
                </form>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
