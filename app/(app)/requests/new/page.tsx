import type { Metadata } from "next";
import { sql } from "drizzle-orm";
import { getDb, queryRows } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { inventoryFacets } from "@/lib/identities/facets";
import { RequestForm, type IdentityChoice } from "../_components/request-form";

export const metadata: Metadata = { title: "New request" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const TYPES = ["new_identity", "grant_entitlement", "extend_expiry", "policy_exception", "transfer_ownership"] as const;

export default async function NewRequestPage({ searchParams }: Props) {
  const actor = await requireActor();
  const params = await searchParams;
  const type = TYPES.find((t) => t === params.type) ?? "new_identity";
  const identity = typeof params.identity === "string" ? params.identity : undefined;
  const db = getDb();
  // The identities a requester can ask about: those they own or back up (lib/requests checks again).
  const [facets, mine] = await Promise.all([
    inventoryFacets(db, actor),
    queryRows<IdentityChoice>(
      db,
      sql`SELECT id, name, environment FROM identities WHERE (owner_id = ${actor.personId}::uuid OR backup_owner_id = ${actor.personId}::uuid OR id = ${identity ?? null}::uuid)
          AND status IN ('pending', 'active', 'suspended') ORDER BY name LIMIT 200`,
    ),
  ]);
  return (
    <section aria-labelledby="new-request-heading" className="max-w-3xl space-y-4">
      <h1 id="new-request-heading" className="text-xl font-semibold">New request</h1>
      <p className="text-sm text-slate-600">Policy checks the request as you fill it in: you see whether it is allowed at once, who has to approve it and why, or what to change.</p>
      <RequestForm initialType={type} identityId={identity} identities={mine} systems={facets.systems} requesterEmail={actor.email} />
    </section>
  );
}
