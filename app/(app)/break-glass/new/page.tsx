import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ListPage } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { canChange, requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { identityForRequestForm, requestFormIdentities, type RequestFormIdentity } from "@/lib/identities";
import { loadPolicySettings } from "@/lib/policy";
import { BreakGlassForm } from "../_components/request-form";
import type { SearchParamsProps as Props } from "../../read-or-error";

export const metadata: Metadata = { title: "Request break-glass access" };

/** The break-glass form, opened from the navigation or from an identity (`?identity=ID`). */
export default async function NewBreakGlassPage({ searchParams }: Props) {
  const actor = await requireActor();
  const title = "Request break-glass access";
  if (!canChange(actor))
    return (
      <ListPage id="new-break-glass-heading" title={title} className="max-w-3xl space-y-4">
        <p role="alert">Auditors read everything and change nothing: there is nothing to request here.</p>
      </ListPage>
    );
  const db = getDb();
  const params = await searchParams;
  let prefill: RequestFormIdentity | undefined;
  let problem: string | undefined;
  if (params.identity !== undefined) {
    try {
      prefill = await identityForRequestForm(db, actor, params.identity);
    } catch (e) {
      if (e instanceof DomainError && e.code === "not_found") notFound();
      if (!(e instanceof DomainError)) throw e;
      problem = e.message;
    }
  }
  const [mine, settings] = await Promise.all([requestFormIdentities(db, actor), loadPolicySettings(db)]);
  const identities =
    prefill && !mine.some((i) => i.id === prefill.id)
      ? [...mine, prefill].sort((a, b) => a.name.localeCompare(b.name))
      : mine;
  const onCall = settings.breakGlassOnCall.some((e) => e.toLowerCase() === actor.email.toLowerCase());
  return (
    <ListPage
      className="max-w-3xl space-y-4"
      id="new-break-glass-heading"
      title={title}
      description={`Elevated access for an incident, ended by itself at most ${settings.breakGlassMaxHours} hours later, and looked back on afterwards by security and your manager.`}
    >
      {problem ? <p role="alert">{problem}</p> : null}
      <BreakGlassForm
        identities={identities}
        identityId={prefill?.id}
        maxHours={settings.breakGlassMaxHours}
        onCall={onCall}
      />
    </ListPage>
  );
}
