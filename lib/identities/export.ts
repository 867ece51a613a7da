import type { Database } from "@/db";
import { record } from "@/lib/audit/record";
import { auditActor, type Actor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { drizzleExec, toRow, walkPage, type InventoryRow } from "./inventory";
import { inventoryParams, type InventoryFilter } from "./inventory-filter";
import { encodeCursor, cursorOf } from "./inventory-query";

/**
 * CSV of everything the filter matches for this actor (not just one page), streamed: keyset
 * batches are read only as fast as the client takes them, so memory stays flat at any size.
 * The export is audited before the first byte leaves, with the filter that defines it.
 */
export const CSV_COLUMNS = [
  "id", "name", "kind", "system", "environment", "owner", "owner_departed", "team", "purpose", "status",
  "created_at", "expires_at", "last_used_at", "next_review_at", "risk_score", "risk_top_factor", "privileged", "states",
] as const;

export const EXPORT_BATCH = 5_000;

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  // Quote when needed; a leading =,+,-,@ would run as a formula in a spreadsheet (CSV injection).
  const guarded = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(guarded) || guarded !== s ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvLine(r: InventoryRow): string {
  return [
    r.id, r.name, r.kind, r.systemName, r.environment, r.ownerName, r.ownerDeparted, r.teamName, r.purpose, r.status,
    r.createdAt, r.expiresAt, r.lastUsedAt, r.nextReviewAt, r.riskScore, r.riskTop?.key, r.privileged, r.states.join(" "),
  ].map(csvField).join(",") + "\n";
}

export async function exportIdentitiesCsv(db: Database, actor: Actor, f: InventoryFilter): Promise<{ filename: string; stream: ReadableStream<Uint8Array> }> {
  const at = now();
  const filter: InventoryFilter = { ...f, after: undefined, before: undefined };
  await db.transaction((tx) =>
    record(tx, { actor: auditActor(actor), action: "identities.exported", after: { format: "csv", filter: inventoryParams(filter).toString() } }),
  );
  const exec = drizzleExec(db);
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let done = false;
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(CSV_COLUMNS.join(",") + "\n"));
        return;
      }
      if (done) {
        controller.close();
        return;
      }
      const { rows, more } = await walkPage(exec, actor, filter, at, EXPORT_BATCH, cursor, false);
      if (rows.length) controller.enqueue(encoder.encode(rows.map((r) => csvLine(toRow(r))).join("")));
      const last = rows.at(-1);
      if (!more || !last) done = true;
      else cursor = encodeCursor(cursorOf(filter.sort, { id: last.id, sortValue: last.sort_value }));
    },
  });
  return { filename: `steward-identities-${at.toISOString().slice(0, 10)}.csv`, stream };
}
