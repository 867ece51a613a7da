import { DomainError } from "@/lib/errors";

/** What a server action returns to its form: success, or a message and per-field errors. */
export type ActionResult =
  { ok: true; message?: string } | { ok: false; error: string; fieldErrors?: Record<string, string[]> } | null;

/** Runs a domain call; known domain errors become a result, anything else stays an exception. */
export async function toActionResult(fn: () => Promise<string | void>): Promise<ActionResult> {
  try {
    const message = await fn();
    return { ok: true, message: message ?? undefined };
  } catch (e) {
    if (e instanceof DomainError) return { ok: false, error: e.message, fieldErrors: e.fieldErrors };
    throw e;
  }
}
