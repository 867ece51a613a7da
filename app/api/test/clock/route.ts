import { z } from "zod";
import { currentActor, hasRole } from "@/lib/auth";
import { shiftClock, testControlEnabled } from "@/lib/jobs";

export const dynamic = "force-dynamic";

const body = z.strictObject({
  aheadMs: z
    .number()
    .int()
    .min(0)
    .max(366 * 86_400_000),
});

/**
 * End-to-end tests only (STEWARD_TEST_CONTROL=1; 404 otherwise): sets how far ahead of real time
 * the server's clock runs, so a test moves time instead of sleeping.
 */
export async function POST(request: Request): Promise<Response> {
  if (!testControlEnabled()) return new Response("Not found", { status: 404 });
  // Even then: a signed-in security person, and a JSON body (no cross-site form can send one).
  const actor = await currentActor();
  if (!actor || !hasRole(actor, "security")) return Response.json({ error: "Security only." }, { status: 403 });
  if (!request.headers.get("content-type")?.startsWith("application/json"))
    return Response.json({ error: "Send JSON." }, { status: 415 });
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "Send { aheadMs: whole milliseconds ≥ 0 }." }, { status: 400 });
  return Response.json({ now: shiftClock(parsed.data.aheadMs).toISOString() });
}
