import type { Database } from "@/db";
import type { Actor } from "@/lib/auth";
import { createCampaign, launchCampaign } from "./index";

/**
 * Test support: a launched campaign, by default over Olivia's identities, each attested by its
 * owner, due far off; `over` changes any field of the creation form.
 */
export async function launchedCampaign(db: Database, actor: Actor, over: Record<string, unknown> = {}) {
  const { id } = await createCampaign(db, actor, {
    name: "Test review",
    scope: { owner: "olivia.owner@example.com" },
    reviewerRule: "owner",
    dueOn: "2099-01-01",
    ...over,
  });
  const { items } = await launchCampaign(db, actor, id);
  return { id, items };
}
