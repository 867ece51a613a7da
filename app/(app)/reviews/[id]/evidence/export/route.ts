import { getDb } from "@/db";
import { currentActor } from "@/lib/auth";
import { DomainError, HTTP_STATUS } from "@/lib/errors";
import { evidenceCsv } from "@/lib/reviews";

/** GET /reviews/:id/evidence/export: every item's evidence as CSV, streamed in batches. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return new Response("Sign in first.", { status: 401 });
  const { id } = await params;
  try {
    const { campaign, lines } = await evidenceCsv(getDb(), actor, id);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    const file = `review-evidence-${campaign.name.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}.csv`;
    return new Response(body, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${file}"` },
    });
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return new Response(e.message, { status: HTTP_STATUS[e.code] });
  }
}
