"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";
import { attestAction, editPurposeAction, handOverAction, shortenExpiryAction } from "../actions";

type Props = {
  identity: { id: string; purpose: string | null; expiresAt: string | null; nextReviewAt: string | null };
  can: {
    attest: boolean;
    editPurpose: boolean;
    handOver: boolean;
    shortenExpiry: boolean;
    revoke: boolean;
    confirmRevocation: boolean;
  };
  reviewPeriodDays: number;
  today: string;
};

function fieldError(result: ActionResult, name: string, id: string) {
  const msgs = result && !result.ok ? result.fieldErrors?.[name] : undefined;
  return msgs ? (
    <span id={id} className="text-xs text-red-700">
      {msgs.join(" ")}
    </span>
  ) : null;
}

/** The owner's actions; the server decides again on every one (these only hide what would fail). */
export function OwnerActions({ identity, can, reviewPeriodDays, today }: Props) {
  const [attest, attestForm, attesting] = useActionState<ActionResult, FormData>(attestAction, null);
  const [purpose, purposeForm, savingPurpose] = useActionState<ActionResult, FormData>(editPurposeAction, null);
  const [handOver, handOverForm, handingOver] = useActionState<ActionResult, FormData>(handOverAction, null);
  const [expiry, expiryForm, shortening] = useActionState<ActionResult, FormData>(shortenExpiryAction, null);
  // Controlled fields: React resets uncontrolled ones after an action, and a form must keep what
  // the person typed when the server refuses it.
  const [purposeText, setPurposeText] = useState(identity.purpose ?? "");
  const [expiresOn, setExpiresOn] = useState("");
  const [newOwnerEmail, setNewOwnerEmail] = useState("");
  const none = !can.attest && !can.editPurpose && !can.handOver && !can.shortenExpiry;
  const maxDate = identity.expiresAt ? identity.expiresAt.slice(0, 10) : undefined;

  return (
    <section aria-labelledby="actions-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="actions-heading" className="font-semibold">
        Actions
      </h2>
      {none ? <p className="text-sm text-slate-600">You can look at this identity but not change it.</p> : null}

      {can.attest ? (
        <form action={attestForm} className="space-y-1">
          <input type="hidden" name="id" value={identity.id} />
          <p className="text-sm">
            I still own this and it is still needed. Moves the next review {reviewPeriodDays} days out.
          </p>
          <Button type="submit" disabled={attesting}>
            Attest
          </Button>
          <ActionOutcome result={attest} />
        </form>
      ) : null}

      {can.editPurpose ? (
        <form action={purposeForm} className="space-y-1">
          <input type="hidden" name="id" value={identity.id} />
          <label htmlFor="purpose" className="block text-sm font-medium">
            Purpose
          </label>
          <textarea
            id="purpose"
            name="purpose"
            rows={3}
            value={purposeText}
            onChange={(e) => setPurposeText(e.target.value)}
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            aria-invalid={purpose && !purpose.ok && purpose.fieldErrors?.purpose ? true : undefined}
            aria-describedby="purpose-error"
          />
          {fieldError(purpose, "purpose", "purpose-error")}
          <Button type="submit" variant="secondary" disabled={savingPurpose}>
            Save purpose
          </Button>
          <ActionOutcome result={purpose} />
        </form>
      ) : null}

      {can.shortenExpiry ? (
        <form action={expiryForm} className="space-y-1">
          <input type="hidden" name="id" value={identity.id} />
          <label htmlFor="expiresOn" className="block text-sm font-medium">
            Shorten expiry to
          </label>
          <input
            id="expiresOn"
            name="expiresOn"
            type="date"
            min={today}
            max={maxDate}
            required
            value={expiresOn}
            onChange={(e) => setExpiresOn(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            aria-describedby="expiresOn-error"
          />
          {fieldError(expiry, "expiresOn", "expiresOn-error")}
          <div>
            <Button type="submit" variant="secondary" disabled={shortening}>
              Shorten expiry
            </Button>
          </div>
          <ActionOutcome result={expiry} />
        </form>
      ) : null}

      {can.handOver ? (
        <form action={handOverForm} className="space-y-1">
          <input type="hidden" name="id" value={identity.id} />
          <label htmlFor="newOwnerEmail" className="block text-sm font-medium">
            Hand over to (email)
          </label>
          <input
            id="newOwnerEmail"
            name="newOwnerEmail"
            type="email"
            required
            autoComplete="off"
            value={newOwnerEmail}
            onChange={(e) => setNewOwnerEmail(e.target.value)}
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            aria-describedby="newOwnerEmail-error"
          />
          {fieldError(handOver, "newOwnerEmail", "newOwnerEmail-error")}
          {fieldError(handOver, "newOwnerId", "newOwnerId-error")}
          <div>
            <Button type="submit" variant="secondary" disabled={handingOver}>
              Hand over
            </Button>
          </div>
          <ActionOutcome result={handOver} />
        </form>
      ) : null}

      {can.editPurpose ? (
        <nav aria-label="Ask for a change" className="space-y-1 text-sm">
          <p className="font-medium">Ask for a change</p>
          <ul className="list-disc pl-5">
            {[
              ["extend_expiry", "A later expiry"],
              ["grant_entitlement", "More access"],
              ["policy_exception", "An exception to policy"],
              ...(can.handOver ? [] : [["transfer_ownership", "A new owner (transfer request)"]]),
            ].map(([type, label]) => (
              <li key={type}>
                <a className="text-brand-700 underline" href={`/requests/new?type=${type}&identity=${identity.id}`}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </section>
  );
}
