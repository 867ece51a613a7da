import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ListPage } from "@/components/ui/page-header";
import { Panel, PlainTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { isoDay, isoMinute } from "@/lib/format";
import { canChange, hasRole, isAuditorOnly, requireActor } from "@/lib/auth";
import { loadPolicySettings } from "@/lib/policy";
import { myApiTokens, TOKEN_PREFIX } from "@/lib/tokens";
import { NewToken, RevokeToken } from "./_components/token-forms";

export const metadata: Metadata = { title: "API tokens" };

/** The actor's API tokens: make one (shown once), see where each stands, revoke it. */
export default async function TokensPage() {
  const actor = await requireActor();
  const db = getDb();
  const [tokens, settings] = await Promise.all([myApiTokens(db, actor), loadPolicySettings(db)]);
  const scopes = hasRole(actor, "admin") ? ["read", "write", "scim"] : ["read", "write"];
  return (
    <ListPage
      id="tokens-heading"
      title="API tokens"
      description="A token acts as you through the REST API, within its scopes. Each one is an identity in the inventory (system Steward), owned by you: it has a purpose and an expiry, shows its last use, is reviewed like any other, and revoking it refuses the token at once."
    >
      <p className="text-sm">
        <Link className="text-brand-700 underline" href="/tokens/reference">
          API reference
        </Link>{" "}
        · the OpenAPI document is at{" "}
        <a className="text-brand-700 underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>
      </p>
      {canChange(actor) ? (
        <Panel id="new-token" title="Make a token">
          <div className="mt-2">
            <NewToken scopes={scopes} maxDays={settings.maxTtlDays.production} />
          </div>
        </Panel>
      ) : (
        <p className="text-sm text-slate-700">
          {isAuditorOnly(actor.roles)
            ? "Auditors own no identities, so they make no tokens: read the evidence on these pages."
            : "You cannot make tokens."}
        </p>
      )}
      <Panel id="my-tokens" title="Your tokens">
        {tokens.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">You have no tokens.</p>
        ) : (
          <PlainTable
            caption="Your API tokens"
            headings={["Token", "Scopes", "State", "Created", "Expires", "Last used", "Revoke"]}
          >
            {tokens.map((t) => {
              const live = t.status === "active" && !t.revoking;
              const short = t.name.split("/").slice(1).join("/");
              return (
                <tr key={t.identityId} className="border-t border-slate-100 align-top">
                  <td className="py-2 pr-3">
                    <Link className="text-brand-700 underline" href={`/identities/${t.identityId}`}>
                      {short}
                    </Link>
                    <div className="font-mono text-xs text-slate-600">
                      {TOKEN_PREFIX}
                      {t.lookupId}_…
                    </div>
                    <div className="text-xs text-slate-600">{t.purpose}</div>
                  </td>
                  <td className="py-2 pr-3">{t.scopes.join(", ") || "none"}</td>
                  <td className="py-2 pr-3">
                    <Badge tone={live ? "good" : "bad"}>{t.revoking ? "revoked" : t.status}</Badge>
                  </td>
                  <td className="py-2 pr-3">{isoDay(t.createdAt)}</td>
                  <td className="py-2 pr-3">{t.expiresAt ? isoDay(t.expiresAt) : "never"}</td>
                  <td className="py-2 pr-3">{t.lastUsedAt ? isoMinute(t.lastUsedAt) : "never"}</td>
                  <td className="py-2">
                    {live && canChange(actor) ? <RevokeToken identityId={t.identityId} label={short} /> : null}
                  </td>
                </tr>
              );
            })}
          </PlainTable>
        )}
      </Panel>
    </ListPage>
  );
}
