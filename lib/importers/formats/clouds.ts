import type { Format, ImportRow, ParseError } from "../types";
import { instant, itemLines, parseJson, row, textOf } from "./common";

// GitHub's fine-grained personal access tokens granted to an organization, Google Cloud service
// account keys and Entra ID (Azure) service principals, as their APIs and CLIs print them.

/** `GET /orgs/{org}/personal-access-tokens`: one identity per token grant, its permissions as entitlements. */
export const githubFineGrainedPats: Format = {
  name: "github-fine-grained-pats",
  label: "GitHub fine-grained personal access tokens (GET /orgs/{org}/personal-access-tokens)",
  defaultSystem: "GitHub (personal access tokens)",
  systemKind: "github_org",
  parse(text) {
    const errors: ParseError[] = [];
    const doc = parseJson(text, errors);
    if (doc === undefined) return { rows: [], errors };
    if (!Array.isArray(doc))
      return { rows: [], errors: [{ line: 1, message: "Expected a JSON array of token grants." }] };
    const lines = itemLines(text, "access_granted_at");
    const rows: ImportRow[] = [];
    doc.forEach((g: Record<string, unknown>, i) => {
      const line = lines[i] ?? 1;
      const id = typeof g?.id === "number" || typeof g?.id === "string" ? String(g.id) : null;
      const login = textOf((g?.owner as { login?: unknown } | undefined)?.login, line, "owner.login", errors, 100);
      if (!id || !login) {
        errors.push({ line, message: `Grant ${i + 1} has no id or owner.login.` });
        return;
      }
      const entitlements: ImportRow["entitlements"] = [];
      const permissions = (g.permissions ?? {}) as Record<string, Record<string, unknown>>;
      for (const [group, perms] of Object.entries(permissions))
        for (const [resource, level] of Object.entries(perms ?? {}))
          if (typeof level === "string") {
            // Checked like any text the file gives: a NUL or a broken character would fail the insert.
            const r = textOf(`${group}:${resource}`, line, "a permission's name", errors, 300);
            const p = textOf(level, line, `the permission ${group}:${resource}`, errors, 200);
            if (r && p) entitlements.push({ resource: r, permission: p });
          }
      rows.push(
        row({
          line,
          externalId: `pat-grant-${id}`,
          name: `${login}/${textOf(g.token_name, line, "token_name", errors, 100) ?? `token-${id}`}`,
          kind: "api_key",
          createdAt: instant(g.access_granted_at, line, "access_granted_at", errors),
          lastUsedAt: instant(g.token_last_used_at, line, "token_last_used_at", errors),
          expiresAt: instant(g.token_expires_at, line, "token_expires_at", errors),
          disabled: g.token_expired === true,
          purpose: `Fine-grained token of ${login} (${textOf(g.repository_selection, line, "repository_selection", errors, 50) ?? "repositories"}).`,
          entitlements,
        }),
      );
    });
    return { rows, errors };
  },
};

/** `gcloud iam service-accounts keys list --format=json`: user-managed keys (Google's own keys are not secrets anyone holds). */
export const gcpServiceAccountKeys: Format = {
  name: "gcp-service-account-keys",
  label: "Google Cloud service account keys (gcloud iam service-accounts keys list --format=json)",
  defaultSystem: "Google Cloud (service account keys)",
  systemKind: "saas_app",
  parse(text) {
    const errors: ParseError[] = [];
    const doc = parseJson(text, errors);
    if (doc === undefined) return { rows: [], errors };
    if (!Array.isArray(doc)) return { rows: [], errors: [{ line: 1, message: "Expected a JSON array of keys." }] };
    const lines = itemLines(text, "name");
    const rows: ImportRow[] = [];
    doc.forEach((k: Record<string, unknown>, i) => {
      const line = lines[i] ?? 1;
      const name = textOf(k?.name, line, "name", errors);
      const m = name ? /^projects\/([^/]+)\/serviceAccounts\/([^/]+)\/keys\/([^/]+)$/.exec(name) : null;
      if (!name || !m) {
        errors.push({ line, message: `Key ${i + 1}: name is not projects/…/serviceAccounts/…/keys/….` });
        return;
      }
      if (k.keyType !== "USER_MANAGED") return;
      // Google writes 9999-12-31 for a key that never expires.
      const before = String(k.validBeforeTime ?? "").startsWith("9999-")
        ? null
        : instant(k.validBeforeTime, line, "validBeforeTime", errors);
      rows.push(
        row({
          line,
          externalId: name,
          name: `${m[2]}/key-${m[3]!.slice(0, 12)}`,
          kind: "api_key",
          createdAt: instant(k.validAfterTime, line, "validAfterTime", errors),
          lastRotatedAt: instant(k.validAfterTime, line, "validAfterTime", errors),
          expiresAt: before,
          disabled: k.disabled === true,
          purpose: `A user-managed key of ${m[2]} in ${m[1]}.`,
          ownerEmail: null,
        }),
      );
    });
    return { rows, errors };
  },
};

/** Graph `GET /servicePrincipals` (`{"value": [...]}` or the array): one identity per principal, ending with its last credential. */
export const azureServicePrincipals: Format = {
  name: "azure-service-principals",
  label: "Entra ID service principals (Microsoft Graph servicePrincipals)",
  defaultSystem: "Entra ID (service principals)",
  systemKind: "saas_app",
  parse(text) {
    const errors: ParseError[] = [];
    const doc = parseJson(text, errors) as unknown;
    if (doc === undefined) return { rows: [], errors };
    const list = Array.isArray(doc) ? doc : (doc as { value?: unknown })?.value;
    if (!Array.isArray(list))
      return {
        rows: [],
        errors: [{ line: 1, message: 'Expected Graph\'s {"value": [...]} or an array of service principals.' }],
      };
    const lines = itemLines(text, "appId");
    const rows: ImportRow[] = [];
    list.forEach((sp: Record<string, unknown>, i) => {
      const line = lines[i] ?? 1;
      const id = textOf(sp?.id, line, "id", errors, 100);
      const display = textOf(sp?.displayName, line, "displayName", errors, 256);
      if (!id || !display) {
        errors.push({ line, message: `Service principal ${i + 1} has no id or displayName.` });
        return;
      }
      type Credential = { endDateTime?: unknown; startDateTime?: unknown; secret: boolean };
      const listOf = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
      const creds: Credential[] = [
        ...listOf(sp.passwordCredentials).map((c) => ({ ...c, secret: true })),
        ...listOf(sp.keyCredentials).map((c) => ({ ...c, secret: false })),
      ];
      const ends = creds
        .map((c) => instant(c.endDateTime, line, "endDateTime", errors))
        .filter((x): x is string => !!x);
      const starts = creds
        .map((c) => instant(c.startDateTime, line, "startDateTime", errors))
        .filter((x): x is string => !!x);
      rows.push(
        row({
          line,
          externalId: id,
          name: `${display} (${String(sp.appId ?? id).slice(0, 8)})`,
          kind: sp.servicePrincipalType === "ManagedIdentity" ? "workload" : "oauth_app",
          credentialType: creds.some((c) => c.secret) ? "static_secret" : creds.length ? "certificate" : "federated",
          disabled: sp.accountEnabled === false,
          expiresAt: ends.length ? ends.sort().at(-1)! : null,
          lastRotatedAt: starts.length ? starts.sort().at(-1)! : null,
          purpose: textOf(sp.description ?? sp.notes, line, "description", errors),
        }),
      );
    });
    return { rows, errors };
  },
};
