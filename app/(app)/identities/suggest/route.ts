import { getDb } from "@/db";
import { currentActor } from "@/lib/auth";
import { suggestFilterValues } from "@/lib/identities";

/** GET /identities/suggest?kind=team|person&q=…: suggestions for the inventory's filter fields. */
export async function GET(request: Request): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return Response.json({ error: "Sign in first." }, { status: 401 });
  const url = new URL(request.url);
  const suggestions = await suggestFilterValues(getDb(), actor, {
    kind: url.searchParams.get("kind"),
    q: url.searchParams.get("q") ?? "",
  });
  return Response.json(suggestions, { headers: { "cache-control": "private, max-age=60" } });
}
