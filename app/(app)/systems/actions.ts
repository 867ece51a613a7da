"use server";

import { after } from "next/server";
import { getDb } from "@/db";
import { actorAction, field, fields } from "@/lib/action";
import { auditActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { plural, pluralWord } from "@/lib/format";
import { runRevocations } from "@/lib/revocations";
import { configureConnector, discoverSystem, retireSystem, setSystemEnvironment } from "@/lib/systems";

const systemsPage = { revalidate: "/systems" };

export const configureAction = actorAction(async (actor, form) => {
  await configureConnector(getDb(), actor, fields(form, "systemId", "connector", "url", "statusUrl", "secret"));
  return "Saved.";
}, systemsPage);

export const retireAction = actorAction(async (actor, form) => {
  const { revocationIds } = await retireSystem(getDb(), actor, fields(form, "systemId", "confirmCount", "reason"));
  // The revocations run after the answer is sent; failures are retried by `steward revocations run`.
  if (revocationIds.length)
    after(() =>
      runRevocations(getDb(), auditActor(actor), now(), { ids: revocationIds, limit: revocationIds.length }).then(
        () => undefined,
      ),
    );
  return `Retired. ${plural(revocationIds.length, "revocation")} requested: follow them on the Revocations page.`;
}, systemsPage);

export const discoverAction = actorAction(async (actor, form) => {
  const r = await discoverSystem(getDb(), actor, field(form, "systemId"));
  const found = `Found ${plural(r.found, "account")}: ${plural(r.newIdentities, "new identity", "new identities")}, ${plural(r.newEntitlements, "new entitlement")}.`;
  return r.conflicts.length
    ? `${found} An identity requested in Steward holds the name of ${r.conflicts.join(", ")} without being bound to it: the real ${pluralWord(r.conflicts.length, "account was", "accounts were")} added as "<name>~discovered". Resolve them in the inventory.`
    : found;
}, systemsPage);

export const setEnvironmentAction = actorAction(async (actor, form) => {
  const { identitiesMoved } = await setSystemEnvironment(getDb(), actor, fields(form, "systemId", "environment"));
  return `Saved. ${plural(identitiesMoved, "identity", "identities", { grouped: true })} moved with it.`;
}, systemsPage);
