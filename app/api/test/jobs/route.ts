import { z } from "zod";
import { currentActor, hasRole } from "@/lib/auth";
import { getDb } from "@/db";
import { runJobsNamed, testControlEnabled } from "@/lib/jobs";

export const dynamic = "force-dynamic";

const body = z.strictObject({
  jobs: z.array(z.string().max(60)).min(1).max(20),
  aheadMs: z
    .number()
    .int()
    .min(0)
    .max(366 * 86_400_000)
    .default(0),
});

/**
 * End-to-end tests only (STEWARD_TEST_CONTROL=1; 404 otherwise): runs the named lifecycle jobs as
 * at `aheadMs` from now (time moved, never slept; the e2e servers schedule no jobs, so the seeded
 * estate holds still for the other specs).
 */
export async function POST(request: Request): Promise<Response> {
  if (!testControlEnabled()) return new Response("Not found", { status: 404 });
  // Even then: a signed-in security person, and a JSON body (no cross-site form can send one).
  const actor = await currentActor();
  if (!actor || !hasRole(actor, "security")) return Response.json({ error: "Security only." }, { status: 403 });
  if (!request.headers.get("content-type")?.startsWith("application/json"))
    return Response.json({ error: "Send JSON." }, { status: 415 });
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success)
    return Response.json(
      { error: 'Send { jobs: ["break-glass", …], aheadMs?: whole milliseconds }.' },
      { status: 400 },
    );
  return Response.json({ results: await runJobsNamed(getDb(), parsed.data.jobs, parsed.data.aheadMs) });
}
