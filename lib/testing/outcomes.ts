import { DomainError } from "@/lib/errors";

/** The DomainError a promise rejects with; any other outcome fails the test. */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

/** The message of an error and of every error it wraps (Drizzle wraps the driver's error). */
export function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  while (cur instanceof Error) {
    parts.push(cur.message);
    cur = cur.cause;
  }
  return parts.join(" | ");
}

/** The full text of the error a promise rejects with; resolving fails the test. */
export async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return errorText(e);
  }
  throw new Error("expected the promise to reject, but it resolved");
}
