import { getDb } from "@/db";
import { now } from "@/lib/clock";
import { DomainError, HTTP_STATUS } from "@/lib/errors";
import { CALLBACK_BODY_LIMIT, readCallbackBody, receiveWebhookCallback } from "@/lib/revocations";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@/lib/connectors";

// A webhook receiver confirms (or reports it could not do) a revocation. No session: the
// HMAC signature with the system's secret is the credential, checked in lib/revocations.
export async function POST(request: Request): Promise<Response> {
  // Read with a cap: an anonymous caller cannot make the app buffer an unbounded body.
  const body = await readCallbackBody(request);
  if (body === null)
    return Response.json({ error: `The body is larger than ${CALLBACK_BODY_LIMIT / 1024} KB.` }, { status: 413 });
  try {
    const out = await receiveWebhookCallback(
      getDb(),
      { body, timestamp: request.headers.get(TIMESTAMP_HEADER), signature: request.headers.get(SIGNATURE_HEADER) },
      now(),
    );
    return Response.json(out);
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: e.message }, { status: HTTP_STATUS[e.code] });
    throw e;
  }
}
