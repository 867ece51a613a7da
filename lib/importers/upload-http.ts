import "server-only";
import type { Database } from "@/db";
import type { Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { DomainError, HTTP_STATUS } from "@/lib/errors";
import { isSameOriginRequest, readCappedBody } from "@/lib/http";
import { importIdentities, MAX_FILE_BYTES } from "./apply";

/**
 * POST /import/upload from the Import page: the file's text, its format, the system and whether it
 * is a dry run (the preview), as JSON. Larger than a server action takes (1 MB), so a route of its
 * own: only Steward's own page may send it (it changes the inventory), and the session decides.
 */
const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });

export async function importRequest(
  db: Database,
  request: Request,
  actorOf: () => Promise<Actor | null>,
): Promise<Response> {
  if (!isSameOriginRequest(request.headers))
    return json(403, { error: "Imports start from Steward's own Import page; this request came from elsewhere." });
  const actor = await actorOf();
  if (!actor) return json(401, { error: "Sign in first." });
  const body = await readCappedBody(request, MAX_FILE_BYTES + 4096);
  if (body === null)
    return json(413, { error: "The file is larger than 64 MB: use npx steward import on the server." });
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return json(400, { error: "The upload was not readable; try again." });
  }
  try {
    return json(200, await importIdentities(db, actor, raw, now()));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return json(HTTP_STATUS[e.code], { error: e.message, fieldErrors: e.fieldErrors ?? {} });
  }
}
