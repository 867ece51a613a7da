import { CREDENTIAL_TYPES, IDENTITY_KINDS } from "@/db/schema/enums";
import type { Format, ImportRow, ParseError } from "../types";
import { EMAIL, instant, row, textOf, readCsv } from "./common";

/**
 * Steward's generic CSV, for any system without a format of its own. Columns (a header row):
 * `external_id` and `name` (required), `kind` (required: service_account, api_key, oauth_app,
 * workload, ci_token, bot, ai_agent), `credential_type` (static_secret by default), `owner_email`,
 * `purpose`, `created_at`, `last_used_at`, `last_rotated_at`, `expires_at` (ISO dates), `disabled`
 * (true/false) and `entitlements` ("permission on resource", several separated by ";").
 */
export const CSV_COLUMNS = [
  "external_id",
  "name",
  "kind",
  "credential_type",
  "owner_email",
  "purpose",
  "created_at",
  "last_used_at",
  "last_rotated_at",
  "expires_at",
  "disabled",
  "entitlements",
] as const;

export const genericCsv: Format = {
  name: "csv",
  label: "Steward CSV (external_id, name, kind, owner_email, …)",
  defaultSystem: "Imported (CSV)",
  systemKind: "saas_app",
  parse(text) {
    const errors: ParseError[] = [];
    const csv = readCsv(text);
    if ("error" in csv) return { rows: [], errors: [csv.error] };
    const { records, header } = csv;
    const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
    const missing = ["external_id", "name", "kind"].filter((c) => !header.includes(c));
    if (missing.length || unknown.length)
      return {
        rows: [],
        errors: [
          {
            line: 1,
            message: [
              missing.length ? `Missing the columns ${missing.join(", ")}.` : "",
              unknown.length
                ? `Unknown columns ${unknown.join(", ")} (the columns are ${CSV_COLUMNS.join(", ")}).`
                : "",
            ]
              .filter(Boolean)
              .join(" "),
          },
        ],
      };
    const rows: ImportRow[] = [];
    for (const { record: r, info } of records) {
      const line = info.lines;
      const externalId = textOf(r.external_id, line, "external_id", errors);
      const name = textOf(r.name, line, "name", errors, 200);
      const kind = r.kind?.trim();
      const credential = r.credential_type?.trim() || "static_secret";
      const email = textOf(r.owner_email, line, "owner_email", errors, 320);
      // Every problem of the row is reported, not just the first.
      const before = errors.length;
      const refuse = (message: string) => errors.push({ line, message });
      if (!externalId || !name) refuse("external_id and name are required.");
      if (!(IDENTITY_KINDS as readonly string[]).includes(kind ?? ""))
        refuse(`kind "${kind ?? ""}" is not one of ${IDENTITY_KINDS.join(", ")}.`);
      if (!(CREDENTIAL_TYPES as readonly string[]).includes(credential))
        refuse(`credential_type "${credential}" is not one of ${CREDENTIAL_TYPES.join(", ")}.`);
      if (email && !EMAIL.test(email)) refuse(`owner_email "${email}" is not an email.`);
      const disabled = (r.disabled ?? "").trim().toLowerCase();
      if (!["", "true", "false"].includes(disabled)) refuse(`disabled is "${r.disabled}", not true or false.`);
      const entitlements: ImportRow["entitlements"] = [];
      for (const part of (r.entitlements ?? "")
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean)) {
        const m = /^(.+?)\s+on\s+(.+)$/.exec(part);
        if (!m) refuse(`entitlement "${part}" is not "permission on resource".`);
        else {
          const permission = textOf(m[1], line, "an entitlement's permission", errors, 200);
          const resource = textOf(m[2], line, "an entitlement's resource", errors, 300);
          if (permission && resource) entitlements.push({ permission, resource });
        }
      }
      if (errors.length > before) continue;
      rows.push(
        row({
          line,
          externalId: externalId!,
          name: name!,
          kind: kind as ImportRow["kind"],
          credentialType: credential as ImportRow["credentialType"],
          ownerEmail: email?.toLowerCase() ?? null,
          purpose: textOf(r.purpose, line, "purpose", errors),
          createdAt: instant(r.created_at, line, "created_at", errors),
          lastUsedAt: instant(r.last_used_at, line, "last_used_at", errors),
          lastRotatedAt: instant(r.last_rotated_at, line, "last_rotated_at", errors),
          expiresAt: instant(r.expires_at, line, "expires_at", errors),
          disabled: disabled === "true",
          entitlements,
        }),
      );
    }
    return { rows, errors };
  },
};
