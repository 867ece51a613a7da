import "server-only";
import type { Database } from "@/db";
import type { Actor } from "@/lib/auth";
import { DomainError, HTTP_STATUS } from "@/lib/errors";
import { readCappedBody, isSameOriginRequest } from "@/lib/http";
import { exportIdentitiesCsv } from "./export";
import { parseInventoryFilter } from "./inventory-filter";

/**
 * POST /identities/export, a form of the inventory page carrying its filter. An export is audited
 * (and costs a database session), so it is never a GET a link or an image on another site could
 * trigger: a cross-site POST is refused before the session is read, and nothing is recorded.
 */

/** The filter form is a few hundred bytes; anything far larger is not one. */
const FORM_LIMIT = 16 * 1024;

const answer = (status: number, message: string) =>
  new Response(message, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });

export async function exportRequest(
  db: Database,
  request: Request,
  actorOf: () => Promise<Actor | null>,
): Promise<Response> {
  if (!isSameOriginRequest(request.headers))
    return answer(
      403,
      "Exports start from Steward's own inventory page; this request came from elsewhere and was refused.",
    );
  const actor = await actorOf();
  if (!actor) return answer(401, "Sign in first.");
  const body = await readCappedBody(request, FORM_LIMIT);
  if (body === null) return answer(413, "That export form is too large.");
  const params: Record<string, string | string[]> = {};
  const form = new URLSearchParams(body);
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    params[key] = all.length > 1 ? all : all[0]!;
  }
  try {
    const { filename, stream } = await exportIdentitiesCsv(db, actor, parseInventoryFilter(params));
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const details = Object.entries(e.fieldErrors ?? {}).map(([k, m]) => `${k}: ${m.join(" ")}`);
    return answer(HTTP_STATUS[e.code], [e.message, ...details].join("\n"));
  }
}
