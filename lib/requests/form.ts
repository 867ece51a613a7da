import "server-only";
import type { Database } from "@/db";
import { activePersonIdByEmail } from "@/lib/people";

/**
 * A request form's fields as the input lib/requests parses: people are typed as emails and looked
 * up here; entitlements are one per line, "resource permission". Unknown emails stay as they are
 * so the parser reports them against the field.
 */
export async function requestFromForm(db: Database, form: FormData): Promise<Record<string, unknown>> {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  const person = async (k: string) => {
    const email = text(k);
    if (!email) return undefined;
    return (await activePersonIdByEmail(db, email)) ?? `unknown:${email}`;
  };
  const entitlements = (text("entitlements") ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf(" ");
      return at > 0
        ? { resource: line.slice(0, at).trim(), permission: line.slice(at + 1).trim() }
        : { resource: line, permission: "" };
    });
  return {
    type: text("type"),
    name: text("name"),
    kind: text("kind"),
    systemId: text("systemId"),
    ownerId: await person("ownerEmail"),
    backupOwnerId: await person("backupOwnerEmail"),
    purpose: text("purpose"),
    expiresOn: text("expiresOn"),
    credentialType: text("credentialType"),
    rotationPeriodDays: text("rotationPeriodDays"),
    secretStore: text("secretStore"),
    entitlements,
    identityId: text("identityId"),
    resource: text("resource"),
    duration: text("duration"),
    durationUnit: text("durationUnit"),
    permission: text("permission"),
    endsOn: text("endsOn"),
    rule: text("rule"),
    newOwnerId: await person("newOwnerEmail"),
    justification: text("justification"),
  };
}
