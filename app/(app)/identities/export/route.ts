import { getDb } from "@/db";
import { currentActor } from "@/lib/auth";
import { exportRequest } from "@/lib/identities";

/** POST /identities/export (the inventory's Export CSV form, with its filter): a streamed CSV. */
export function POST(request: Request): Promise<Response> {
  return exportRequest(getDb(), request, currentActor);
}

/** A GET (an old link) exports nothing: it lands on the inventory with the same filter. */
export function GET(request: Request): Response {
  const url = new URL(request.url);
  return new Response(null, { status: 303, headers: { location: `/identities${url.search}` } });
}
