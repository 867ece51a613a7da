import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ListPage } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { canEditPolicySettings, canReadPolicySettings, readPolicySettings, type PolicySettings } from "@/lib/policy";
import { SettingForm } from "./setting-form";

export const metadata: Metadata = { title: "Settings" };

const HELP: Record<keyof PolicySettings, [string, string]> = {
  maxTtlDays: [
    "Maximum lifetime per environment (days)",
    "Longer expiries are refused; a policy exception is the way past them.",
  ],
  privilegedPermissions: [
    "Privileged permissions",
    "Case-insensitive patterns; * matches anything. A permission containing * is always privileged. Privileged grants need security.",
  ],
  staleRequestDays: [
    "Stale requests expire after (days)",
    "Pending requests older than this expire, granting nothing.",
  ],
  breakGlassMaxHours: ["Break-glass maximum (hours)", "The longest emergency access may last."],
  breakGlassOnCall: [
    "On call (emails)",
    'Their break-glass activates at once and security is told; everyone else waits for one security approval. A JSON list, e.g. ["omar.owner@example.com"].',
  ],
  breakGlassReviewDays: [
    "Break-glass post-use review due within (days)",
    "After a break-glass ends, security and the holder's manager look back on it within this many days.",
  ],
  autoApprove: [
    "Standard baseline approved by policy",
    "Non-privileged requests in these environments, living at most this many days, need no people.",
  ],
  exceptionMaxDays: ["Longest policy exception (days)", "Exceptions end by this many days at the latest."],
  departedOwner: [
    "When an owner leaves",
    "Their identities go to the backup owner, else the owner's manager, who must attest within this many days; if nobody does, the identity is suspended (or revoked).",
  ],
};

export default async function SettingsPage() {
  const actor = await requireActor();
  if (!canReadPolicySettings(actor)) notFound();
  const settings = await readPolicySettings(getDb(), actor);
  const editable = canEditPolicySettings(actor);
  return (
    <ListPage
      className="max-w-3xl space-y-4"
      id="settings-heading"
      title="Policy settings"
      spaced
      description={
        editable
          ? "The numbers policy decides with. Every change is recorded in the audit log."
          : "The numbers policy decides with. Only security changes them."
      }
    >
      {(Object.keys(HELP) as (keyof PolicySettings)[]).map((field) => (
        <SettingForm
          key={field}
          field={field}
          label={HELP[field][0]}
          help={HELP[field][1]}
          value={JSON.stringify(settings[field], null, 1)}
          editable={editable}
        />
      ))}
    </ListPage>
  );
}
