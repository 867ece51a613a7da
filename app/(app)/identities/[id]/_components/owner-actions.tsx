"use client";

import { useActionState, type ReactNode } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { fieldError, formFields, InputField, TextareaField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import type { IdentityDetail } from "@/lib/identities";
import { attestAction, editPurposeAction, handOverAction, shortenExpiryAction } from "../actions";

type Props = {
  identity: Pick<IdentityDetail, "id" | "purpose" | "expiresAt" | "nextReviewAt">;
  can: IdentityDetail["can"];
  reviewPeriodDays: number;
  today: string;
};

/** Each form's fields in the panel's flow, their errors read from that form's result. */
const fields = (result: ActionResult) => formFields({ errors: result, layout: "flow", className: "w-full text-sm" });

/** One owner action: the identity's id, its fields, the button and the server's answer. */
function OwnerForm({
  action,
  identityId,
  submit,
  pending,
  result,
  primary = false,
  children,
}: {
  action: (formData: FormData) => void;
  identityId: string;
  submit: string;
  pending: boolean;
  result: ActionResult;
  primary?: boolean;
  children: ReactNode;
}) {
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="id" value={identityId} />
      {children}
      <div>
        <Button type="submit" variant={primary ? "primary" : "secondary"} disabled={pending}>
          {submit}
        </Button>
      </div>
      <ActionOutcome result={result} />
    </form>
  );
}

/** The owner's actions; the server decides again on every one (these only hide what would fail). */
export function OwnerActions({ identity, can, reviewPeriodDays, today }: Props) {
  const [attest, attestForm, attesting] = useActionState<ActionResult, FormData>(attestAction, null);
  const [purpose, purposeForm, savingPurpose] = useActionState<ActionResult, FormData>(editPurposeAction, null);
  const [handOver, handOverForm, handingOver] = useActionState<ActionResult, FormData>(handOverAction, null);
  const [expiry, expiryForm, shortening] = useActionState<ActionResult, FormData>(shortenExpiryAction, null);
  // Controlled fields: React resets uncontrolled ones after an action, and a form must keep what
  // the person typed when the server refuses it.
  const purposeText = useKeptValue(identity.purpose ?? "");
  const expiresOn = useKeptValue("");
  const newOwnerEmail = useKeptValue("");
  const none = !can.attest && !can.editPurpose && !can.handOver && !can.shortenExpiry;
  const maxDate = identity.expiresAt ? identity.expiresAt.slice(0, 10) : undefined;

  return (
    <section aria-labelledby="actions-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="actions-heading" className="font-semibold">
        Actions
      </h2>
      {none ? <p className="text-sm text-slate-600">You can look at this identity but not change it.</p> : null}

      {can.attest ? (
        <OwnerForm
          action={attestForm}
          identityId={identity.id}
          submit="Attest"
          pending={attesting}
          result={attest}
          primary
        >
          <p className="text-sm">
            I still own this and it is still needed. Moves the next review {reviewPeriodDays} days out.
          </p>
        </OwnerForm>
      ) : null}

      {can.editPurpose ? (
        <OwnerForm
          action={purposeForm}
          identityId={identity.id}
          submit="Save purpose"
          pending={savingPurpose}
          result={purpose}
        >
          <TextareaField label="Purpose" {...fields(purpose)("purpose")} rows={3} {...purposeText} />
        </OwnerForm>
      ) : null}

      {can.shortenExpiry ? (
        <OwnerForm
          action={expiryForm}
          identityId={identity.id}
          submit="Shorten expiry"
          pending={shortening}
          result={expiry}
        >
          <InputField
            label="Shorten expiry to"
            {...fields(expiry)("expiresOn")}
            className="text-sm"
            type="date"
            min={today}
            max={maxDate}
            required
            {...expiresOn}
          />
        </OwnerForm>
      ) : null}

      {can.handOver ? (
        <OwnerForm
          action={handOverForm}
          identityId={identity.id}
          submit="Hand over"
          pending={handingOver}
          result={handOver}
        >
          <InputField
            label="Hand over to (email)"
            {...fields(handOver)("newOwnerEmail")}
            // The person is looked up by email, so a refusal about who they are lands here too.
            error={fieldError(handOver, "newOwnerEmail", "newOwnerId")}
            type="email"
            required
            autoComplete="off"
            {...newOwnerEmail}
          />
        </OwnerForm>
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
