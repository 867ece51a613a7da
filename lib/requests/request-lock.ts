import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { pick, requestColumns, type RowOf } from "@/db/columns";
import { requests } from "@/db/schema";
import { storedRequestColumns } from "./apply";

/** What deciding a request reads of it, under its row lock (FOR UPDATE). */
export const lockedColumns = {
  ...storedRequestColumns,
  ...pick(requestColumns, "status", "justification", "standard"),
};
export type Locked = RowOf<typeof lockedColumns>;

export type Decided = {
  status: "pending" | "denied" | "fulfilled";
  identityId: string | null;
  /** Set when policy, run again at the final approval, refused what had been approved. */
  policyDenials?: string[];
  /** Set when policy, run again at the final approval, asked for stages that had not been decided. */
  addedStages?: string[];
};

/** The request leaves the queues: denied or fulfilled now. */
export async function close(tx: Database, req: Locked, status: "denied" | "fulfilled", at: Date): Promise<Decided> {
  const iso = at.toISOString();
  await tx.execute(sql`UPDATE requests SET status = ${status}::request_status, decided_at = ${iso}::timestamptz,
      fulfilled_at = ${status === "fulfilled" ? iso : null}::timestamptz, current_stage = NULL, awaiting_approver_id = NULL, awaiting_security = false
    WHERE id = ${req.id}::uuid`);
  const [after] = await tx
    .select(pick(requestColumns, "subjectIdentityId"))
    .from(requests)
    .where(eq(requests.id, req.id));
  return { status, identityId: after?.subjectIdentityId ?? null };
}
