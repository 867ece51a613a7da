import { getDb } from "@/db";
import { currentActor } from "@/lib/auth/session";
import { DomainError, HTTP_STATUS } from "@/lib/errors";
import { exportIdentitiesCsv } from "@/lib/identities/export";
import { parseInventoryFilter } from "@/lib/identities/inventory-filter";

/** GET /identities/export?<the inventory's filter>: a streamed CSV of every matching identity. */
export async function GET(request: Request): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return Response.json({ error: "Sign in first." }, { status: 401 });
  const url = new URL(request.url);
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    params[key] = all.length > 1 ? all : all[0]!;
  }
  try {
    const { filename, stream } = await exportIdentitiesCsv(getDb(), actor, parseInventoryFilter(params));
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: e.message, fieldErrors: e.fieldErrors }, { status: HTTP_STATUS[e.code] });
    throw e;
  }
}
