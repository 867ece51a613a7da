import type { Metadata } from "next";
import { ListPage } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth";
import { canImport, CSV_COLUMNS, FORMATS } from "@/lib/importers";
import { ImportForm } from "./_components/import-form";

export const metadata: Metadata = { title: "Import" };

/** Security and admins import the identities a real inventory's file lists, after a preview. */
export default async function ImportPage() {
  const actor = await requireActor();
  const formats = Object.values(FORMATS).map((f) => ({ name: f.name, label: f.label, defaultSystem: f.defaultSystem }));
  return (
    <ListPage
      id="import-heading"
      title="Import identities"
      description="Identities from the files your clouds and tools already write. Importing again is safe: accounts are matched by system and id, known ones updated, and those a newer file no longer lists are flagged, never deleted. Owners are matched by email; the rest arrive orphaned, to be claimed."
    >
      {canImport(actor) ? (
        <ImportForm formats={formats} />
      ) : (
        <p className="text-sm">Security and admins import identities.</p>
      )}
      <details className="text-sm">
        <summary className="cursor-pointer text-brand-700">The formats</summary>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li>
            <code>aws-credential-report</code>: <code>aws iam generate-credential-report</code>, then{" "}
            <code>aws iam get-credential-report --query Content --output text | base64 -d</code>. Each active access key
            and signing certificate; the root account&apos;s are flagged.
          </li>
          <li>
            <code>kubernetes-serviceaccounts</code>: <code>kubectl get serviceaccounts -A -o json</code>. An{" "}
            <code>owner</code> (or <code>…/owner</code>) annotation holding an email names the owner.
          </li>
          <li>
            <code>github-fine-grained-pats</code>: <code>GET /orgs/ORG/personal-access-tokens</code>; permissions become
            entitlements.
          </li>
          <li>
            <code>gcp-service-account-keys</code>: <code>gcloud iam service-accounts keys list --format=json</code>{" "}
            (user-managed keys).
          </li>
          <li>
            <code>azure-service-principals</code>: Microsoft Graph <code>GET /servicePrincipals</code>; each ends with
            its last credential.
          </li>
          <li>
            <code>csv</code>: a header row of {CSV_COLUMNS.map((c) => c).join(", ")} (external_id, name and kind
            required; entitlements as &quot;permission on resource; …&quot;).
          </li>
        </ul>
        <p className="mt-2">
          Files over 64 MB: <code>npx steward import FORMAT FILE [--system NAME] [--dry-run]</code> on the server.
        </p>
      </details>
    </ListPage>
  );
}
