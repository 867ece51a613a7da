/**
 * Next.js answers 500 to a server-action POST it refuses or cannot read: another site's Origin (its
 * own CSRF check), a body over its 1 MB limit, a multipart body that does not parse, a text/plain
 * action body that is not JSON (vercel/next.js#81760, #90109). Refusing them is right; the status is
 * not: a 500 says Steward failed. The proxy asks this first and answers with a 4xx; nothing runs.
 *
 * What Next treats as a possible action (lib/server-action-request-meta in Next): a POST carrying a
 * `Next-Action` header, or any multipart POST to a page. Route handlers (/api/…) read their own bodies.
 */

/** Next's default `serverActions.bodySizeLimit` (next.config.ts sets none). */
export const ACTION_BODY_LIMIT = 1024 * 1024;

const answer = (status: number, message: string) =>
  new Response(message, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });

/**
 * The bytes of a copy of the body, or null past `limit`. Not lib/http/body.ts's readCappedBody: the
 * copy is one branch of a tee, and cancelling one branch settles only once the other is cancelled
 * too (Next still reads the original), so the cancel here is not awaited.
 */
async function copyOfBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) return null;
  const copy = request.clone();
  if (!copy.body) return new Uint8Array();
  const reader = copy.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return new Uint8Array(Buffer.concat(chunks));
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
}

/** Next's rule: no Origin passes (not a browser), an Origin whose host is not this one is refused. */
function crossOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (origin === null) return false;
  let originHost: string;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    return true;
  }
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  return !host || host.toLowerCase() !== originHost.toLowerCase();
}

export async function refuseUnreadableAction(request: Request, pathname: string): Promise<Response | null> {
  if (request.method !== "POST" || pathname.startsWith("/api/")) return null;
  const type = request.headers.get("content-type") ?? "";
  const multipart = type.toLowerCase().startsWith("multipart/form-data");
  const fetchAction = request.headers.has("next-action");
  if (!multipart && !fetchAction) return null;

  if (crossOrigin(request.headers))
    return answer(403, "Forms are sent from Steward's own pages; this one came from elsewhere and was refused.");
  const body = await copyOfBody(request, ACTION_BODY_LIMIT);
  if (body === null) return answer(413, "That form is too large (at most 1 MB).");
  if (multipart) {
    try {
      await new Request("http://steward.invalid/", {
        method: "POST",
        headers: { "content-type": type },
        body,
      }).formData();
    } catch {
      return answer(400, "That form could not be read.");
    }
  } else if (type.toLowerCase().startsWith("text/plain")) {
    try {
      JSON.parse(Buffer.from(body).toString("utf8"));
    } catch {
      return answer(400, "That form could not be read.");
    }
  }
  return null;
}
