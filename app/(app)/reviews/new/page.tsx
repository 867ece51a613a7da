import type { Metadata } from "next";
import { ErrorAlert, PageHeader, Refusal } from "@/components/ui/page-header";
import { Panel, PlainTable } from "@/components/ui/panel";
import { buttonClass } from "@/components/ui/button";
import type { Options } from "@/components/ui/controls";
import { formFields, InputField, SelectField } from "@/components/ui/field";
import { getDb } from "@/db";
import { ENVIRONMENTS, IDENTITY_KINDS } from "@/db/schema";
import { DAY, now } from "@/lib/clock";
import { DomainError } from "@/lib/errors";
import { humanize, plural } from "@/lib/format";
import { inventoryFacets } from "@/lib/identities";
import { mayRunCampaigns, previewScope, type ScopePreview } from "@/lib/reviews";
import { readListPage, type SearchParamsProps as Props } from "../../read-or-error";
import { CampaignForm } from "../_components/campaign-form";

export const metadata: Metadata = { title: "New campaign" };

const KINDS: Options = IDENTITY_KINDS.map((k) => [k, humanize(k)]);
const ENVIRONMENT_OPTIONS: Options = ENVIRONMENTS.map((k) => [k, humanize(k)]);
const SCOPE_KEYS = ["q", "kind", "system", "env", "owner", "team", "state", "privileged", "riskMin", "idle", "within"];

/**
 * A campaign's scope is the inventory's filter: set it here (or arrive from the inventory with it),
 * see how many live identities it holds and the first of them, then name and create the campaign.
 */
export default async function NewCampaignPage(props: Props) {
  const { actor, raw } = await readListPage(props, () => null, null);
  if (!mayRunCampaigns(actor))
    return <Refusal title="New campaign">Only security and managers run review campaigns.</Refusal>;
  const scope = Object.fromEntries(
    SCOPE_KEYS.flatMap((k) => {
      const v = raw[k];
      const s = Array.isArray(v) ? v[0] : v;
      return s ? [[k, s]] : [];
    }),
  ) as Record<string, string>;
  const { systems } = await inventoryFacets(getDb(), actor);
  const systemOptions: Options = systems.map((x) => [x.id, x.name]);
  let preview: ScopePreview | null = null;
  let error: DomainError | null = null;
  try {
    preview = await previewScope(getDb(), actor, scope, now());
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e;
  }
  const field = formFields({ errors: null, idPrefix: "s-", value: (k) => scope[k] ?? "" });
  const defaultDue = new Date(now().getTime() + 30 * DAY).toISOString().slice(0, 10);
  return (
    <section aria-labelledby="new-campaign-heading" className="space-y-6">
      <PageHeader
        id="new-campaign-heading"
        title="New review campaign"
        description="The scope is a filter over live identities, snapshotted when you launch. A manager's campaign covers only their reports' identities."
      />
      <Panel id="scope-heading" title="Scope">
        <form
          method="get"
          className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-6"
          role="search"
          aria-label="Scope"
        >
          <InputField label="Search" {...field("q")} />
          <SelectField label="Kind" {...field("kind")} blank="Any" options={KINDS} />
          <SelectField label="System" {...field("system")} blank="Any" options={systemOptions} />
          <SelectField label="Environment" {...field("env")} blank="Any" options={ENVIRONMENT_OPTIONS} />
          <InputField label="Owner (email or me)" {...field("owner")} />
          <InputField label="Team" {...field("team")} />
          <InputField label="Risk at or above" {...field("riskMin")} type="number" min={0} max={100} />
          {["state", "privileged", "idle", "within"].map((k) =>
            scope[k] ? <input key={k} type="hidden" name={k} value={scope[k]} /> : null,
          )}
          <div className="flex items-end">
            <button type="submit" className={buttonClass("secondary")}>
              Preview scope
            </button>
          </div>
        </form>
        <div className="mt-4" aria-live="polite">
          {error ? (
            <ErrorAlert error={error} variant="box" fields="none" />
          ) : preview ? (
            <>
              <p className="text-sm font-medium" data-testid="scope-count">
                {plural(preview.count, "live identity", "live identities", { grouped: true })} in scope
                {preview.count > preview.rows.length ? `; the first ${preview.rows.length}:` : ":"}
              </p>
              <PlainTable caption="The scope's first identities" headings={["Identity", "System", "Owner"]}>
                {preview.rows.map((r) => (
                  <tr key={r.id}>
                    <td className="py-1 pr-4">{r.name}</td>
                    <td className="pr-4">{r.system}</td>
                    <td>{r.owner ?? "no owner"}</td>
                  </tr>
                ))}
              </PlainTable>
              {preview.count === 0 ? (
                <p className="mt-2 text-sm text-amber-900" role="note">
                  No live identity matches: a campaign over an empty scope would have nothing to review. Widen the
                  filter.
                </p>
              ) : null}
            </>
          ) : null}
        </div>
      </Panel>
      {preview && preview.count > 0 ? (
        <Panel id="campaign-heading" title="Campaign">
          <CampaignForm scope={scope} defaultDue={defaultDue} />
        </Panel>
      ) : null}
    </section>
  );
}
