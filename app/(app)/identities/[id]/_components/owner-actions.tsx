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

/** An owner action's state: what the form posts to, whether it is running and the server's answer. */
type OwnerAction = { action: (formData: FormData) => void; pending: boolean; result: ActionResult };

function useOwnerAction(run: (state: ActionResult, formData: FormData) => Promise<ActionResult>): OwnerAction {
  const [result, action, pending] = useActionState<ActionResult, FormData>(run, null);
  return { action, pending, result };
}

/** One owner action: the identity's id, its fields, the button and the server's answer. */
function OwnerForm({
  show,
  state: { action, pending, result },
  identityId,
  submit,
  primary = false,
  children,
}: {
  /** Whether the actor may do this: the form is drawn only when they may (the server checks again). */
  show: boolean;
  state: OwnerAction;
  identityId: string;
  submit: string;
  primary?: boolean;
  children: ReactNode;
}) {
  if (!show) return null;
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
  const attest = useOwnerAction(attestAction);
  const purpose = useOwnerAction(editPurposeAction);
  const handOver = useOwnerAction(handOverAction);
  const expiry = useOwnerAction(shortenExpiryAction);
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

      <OwnerForm show={can.attest} state={attest} identityId={identity.id} submit="Attest" primary>
        <p className="text-sm">
          I still own this and it is still needed. Moves the next review {reviewPeriodDays} days out.
        </p>
      </OwnerForm>

      <OwnerForm show={can.editPurpose} state={purpose} identityId={identity.id} submit="Save purpose">
        <TextareaField label="Purpose" {...fields(purpose.result)("purpose")} rows={3} {...purposeText} />
      </OwnerForm>

      <OwnerForm show={can.shortenExpiry} state={expiry} identityId={identity.id} submit="Shorten expiry">
        <InputField
          label="Shorten expiry to"
          {...fields(expiry.result)("expiresOn")}
          className="text-sm"
          type="date"
          min={today}
          max={maxDate}
          required
          {...expiresOn}
        />
      </OwnerForm>

      <OwnerForm show={can.handOver} state={handOver} identityId={identity.id} submit="Hand over">
        <InputField
          label="Hand over to (email)"
          {...fields(handOver.result)("newOwnerEmail")}
          // The person is looked up by email, so a refusal about who they are lands here too.
          error={fieldError(handOver.result, "newOwnerEmail", "newOwnerId")}
          type="email"
          required
          autoComplete="off"
          {...newOwnerEmail}
        />
      </OwnerForm>

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
