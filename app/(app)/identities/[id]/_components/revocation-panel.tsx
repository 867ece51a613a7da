"use client";

import { useActionState } from "react";
import { RevocationStatus } from "@/components/ui/revocation-status";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { fieldError, formFields, SelectField, TextareaField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { isoMinute } from "@/lib/format";
import type { RevocationRow } from "@/lib/revocations";
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
  const reason = useKeptValue("");
  const entitlementId = useKeptValue("");
  const evidence = useKeptValue("");
  if (!canRevoke && revocations.length === 0) return null;
  return (
    <section aria-labelledby="revoke-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="revoke-heading" className="font-semibold">
        Revocation
      </h2>
      {canRevoke ? (
        <form action={revokeForm} className="space-y-2">
          <input type="hidden" name="id" value={identityId} />
          <SelectField
            layout="flow"
            id="revoke-what"
            label="What to revoke"
            name="entitlementId"
            {...entitlementId}
            className="text-sm"
            blank="The whole identity (every credential and entitlement)"
            options={entitlements.map((e) => [e.id, `Only ${e.label}`])}
          />
          <TextareaField
            label="Reason (required)"
            {...formFields({ errors: revoked, idPrefix: "revoke-", layout: "flow", className: "w-full text-sm" })(
              "reason",
            )}
            rows={2}
            {...reason}
          />
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
                  {r.operation === "grant"
                    ? `Grant of ${r.entitlement}`
                    : r.entitlement
                      ? `Entitlement ${r.entitlement}`
                      : "The whole identity"}
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
                  <TextareaField
                    layout="flow"
                    id={`evidence-${r.id}`}
                    label={`Evidence that it is ${r.operation === "grant" ? "granted" : "removed"} (a note or a link)`}
                    name="evidence"
                    rows={2}
                    {...evidence}
                    className="w-full"
                    error={fieldError(confirmed, "evidence")}
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
