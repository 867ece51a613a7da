import "server-only";
import type { Database } from "@/db";
import type { AuditActor } from "@/lib/audit";
import { runRevocations } from "@/lib/revocations";

/**
 * Carries out, right after the change that queued them, the revocations and grants it returned (by
 * id), so the answer can say where they stand. The change has committed: a failure here is not the
 * caller's (the `revocations` lifecycle job retries them), so it is logged, never answered as a 500
 * that would make a client retry what is already done.
 */
export async function carryOut(db: Database, by: AuditActor, at: Date, ids: string[]): Promise<void> {
  if (!ids.length) return;
  try {
    await runRevocations(db, by, at, { ids });
  } catch (e) {
    console.error(`API: carrying out ${ids.join(", ")} failed; the revocations job will retry`, e);
  }
}
