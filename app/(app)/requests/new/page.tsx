import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ErrorAlert, ListPage } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { canChange, requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import {
  inventoryFacets,
  identityForRequestForm,
  requestFormIdentities,
  type RequestFormIdentity,
} from "@/lib/identities";
import { RequestForm } from "../_components/request-form";
import type { SearchParamsProps as Props } from "../../read-or-error";

export const metadata: Metadata = { title: "New request" };

const TYPES = ["new_identity", "grant_entitlement", "extend_expiry", "policy_exception", "transfer_ownership"] as const;

export default async function NewRequestPage({ searchParams }: Props) {
  const actor = await requireActor();
  if (!canChange(actor)) {
    return (
      <ListPage id="new-request-heading" title="New request" className="max-w-3xl space-y-4">
        <p role="alert">Auditors read everything and change nothing: there is nothing to request here.</p>
      </ListPage>
    );
  }
  const params = await searchParams;
  const type = TYPES.find((t) => t === params.type) ?? "new_identity";
  const db = getDb();
  // The identities a requester can ask about: those they own or back up, plus the one a link names
  // if they may see it (lib/identities decides; lib/requests checks again on submit).
  const [facets, mine, prefill] = await Promise.all([
    inventoryFacets(db, actor),
    requestFormIdentities(db, actor),
    prefilled(params.identity),
  ]);
  const identities =
    prefill.identity && !mine.some((i) => i.id === prefill.identity!.id)
      ? [...mine, prefill.identity].sort((a, b) => a.name.localeCompare(b.name))
      : mine;

  async function prefilled(
    raw: string | string[] | undefined,
  ): Promise<{ identity?: RequestFormIdentity; problem?: string }> {
    if (raw === undefined) return {};
    try {
      return { identity: await identityForRequestForm(db, actor, raw) };
    } catch (e) {
      if (e instanceof DomainError && e.code === "not_found") notFound();
      if (e instanceof DomainError) return { problem: e.message };
      throw e;
    }
  }

  return (
    <ListPage
      className="max-w-3xl space-y-4"
      id="new-request-heading"
      title="New request"
      spaced
      description="Policy checks the request as you fill it in: you see whether it is allowed at once, who has to approve it and why, or what to change."
    >
      {prefill.problem ? <ErrorAlert error={{ message: prefill.problem }} fields="none" /> : null}
      <RequestForm
        initialType={type}
        identityId={prefill.identity?.id}
        identities={identities}
        systems={facets.systems}
        requesterEmail={actor.email}
      />
    </ListPage>
  );
}
