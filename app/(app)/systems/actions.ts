"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { getDb } from "@/db";
import { toActionResult, type ActionResult } from "@/lib/action-result";
import { auditActor } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/session";
import { now } from "@/lib/clock";
import { runRevocations } from "@/lib/revocations/run";
import { configureConnector, discoverSystem, retireSystem, setSystemEnvironment } from "@/lib/systems/systems";

const field = (f: FormData, k: string) => {
  const v = f.get(k);
  return typeof v === "string" ? v : undefined;
};

export async function configureAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    await configureConnector(getDb(), actor, {
      systemId: field(formData, "systemId"),
      connector: field(formData, "connector"),
      url: field(formData, "url"),
      statusUrl: field(formData, "statusUrl"),
      secret: field(formData, "secret"),
    });
    return "Saved.";
  });
  if (result?.ok) revalidatePath("/systems");
  return result;
}

export async function retireAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    const { revocationIds } = await retireSystem(getDb(), actor, {
      systemId: field(formData, "systemId"),
      confirmCount: field(formData, "confirmCount"),
      reason: field(formData, "reason"),
    });
    // The revocations run after the answer is sent; failures are retried by `steward revocations run`.
    if (revocationIds.length)
      after(() =>
        runRevocations(getDb(), auditActor(actor), now(), { ids: revocationIds, limit: revocationIds.length }).then(
          () => undefined,
        ),
      );
    return `Retired. ${revocationIds.length} ${revocationIds.length === 1 ? "revocation" : "revocations"} requested: follow them on the Revocations page.`;
  });
  if (result?.ok) revalidatePath("/systems");
  return result;
}

export async function discoverAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    const r = await discoverSystem(getDb(), actor, field(formData, "systemId"));
    const found = `Found ${r.found} ${r.found === 1 ? "account" : "accounts"}: ${r.newIdentities} new ${r.newIdentities === 1 ? "identity" : "identities"}, ${r.newEntitlements} new ${r.newEntitlements === 1 ? "entitlement" : "entitlements"}.`;
    return r.conflicts.length
      ? `${found} An identity requested in Steward holds the name of ${r.conflicts.join(", ")} without being bound to it: the real ${r.conflicts.length === 1 ? "account was" : "accounts were"} added as "<name>~discovered". Resolve them in the inventory.`
      : found;
  });
  if (result?.ok) revalidatePath("/systems");
  return result;
}

export async function setEnvironmentAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    const { identitiesMoved } = await setSystemEnvironment(getDb(), actor, {
      systemId: field(formData, "systemId"),
      environment: field(formData, "environment"),
    });
    return `Saved. ${identitiesMoved.toLocaleString("en")} ${identitiesMoved === 1 ? "identity" : "identities"} moved with it.`;
  });
  if (result?.ok) revalidatePath("/systems");
  return result;
}
