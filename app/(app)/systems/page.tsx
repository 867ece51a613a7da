import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { ListPage, Refusal } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { hasRole, requireActor } from "@/lib/auth";
import { humanize, isoDay } from "@/lib/format";
import { canReadSystems, listSystems } from "@/lib/systems";
import { DiscoverForm } from "./_components/discover-form";
import { SystemForms } from "./_components/system-forms";

export const metadata: Metadata = { title: "Systems" };

/** The target systems, their connectors (secrets never shown) and, for admins, their settings and retirement. */
export default async function SystemsPage() {
  const actor = await requireActor();
  if (!canReadSystems(actor)) {
    return <Refusal title="Systems">Only admins, security and auditors see the systems.</Refusal>;
  }
  const systems = await listSystems(getDb(), actor);
  const admin = hasRole(actor, "admin");
  const security = hasRole(actor, "security");
  return (
    <ListPage
      id="systems-heading"
      title="Systems"
      wide
      description="Where identities live, and how Steward revokes access there. Secrets are stored, never shown. Retiring a system revokes every live identity in it."
    >
      <ul className="space-y-3">
        {systems.map((s) => (
          <li key={s.id} className="rounded-lg border border-slate-200 bg-white p-4">
            <div className="flex flex-wrap items-center gap-2">
              <h2 className="font-semibold">{s.name}</h2>
              <Badge tone={s.status === "active" ? "good" : "neutral"}>
                {s.status === "retired" ? `Retired ${isoDay(s.retiredAt)}` : "Active"}
              </Badge>
              <span className="text-sm text-slate-700">
                {humanize(s.kind)} · {s.environment} · connector: {s.connector} ·{" "}
                {s.liveIdentities.toLocaleString("en")} live identities
              </span>
            </div>
            <dl className="mt-2 grid grid-cols-1 gap-x-6 text-sm sm:grid-cols-[max-content_1fr]">
              {s.settings.url ? (
                <div className="contents">
                  <dt className="text-slate-600">URL</dt>
                  <dd className="break-all">{s.settings.url}</dd>
                </div>
              ) : null}
              {s.settings.statusUrl ? (
                <div className="contents">
                  <dt className="text-slate-600">Status URL</dt>
                  <dd className="break-all">{s.settings.statusUrl}</dd>
                </div>
              ) : null}
              {s.connector === "webhook" ? (
                <div className="contents">
                  <dt className="text-slate-600">Signing secret</dt>
                  <dd>{s.settings.secretSet ? "set" : "not set"}</dd>
                </div>
              ) : null}
              {Object.entries(s.settings.other).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-600">{k}</dt>
                  <dd className="break-all">{v}</dd>
                </div>
              ))}
            </dl>
            {s.connector === "postgres" && s.status === "active" && (admin || security) ? (
              <div className="mt-3">
                <DiscoverForm systemId={s.id} name={s.name} />
              </div>
            ) : null}
            {admin ? (
              <div className="mt-3">
                <SystemForms system={s} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </ListPage>
  );
}
