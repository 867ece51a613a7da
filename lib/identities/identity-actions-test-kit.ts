import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { curatedId } from "@/lib/testing";
import { pgArray } from "./inventory";

// What the owner-action tests read back: a curated identity's governed columns and its risk.

type Row = {
  owner_id: string | null;
  backup_owner_id: string | null;
  team_id: string | null;
  purpose: string | null;
  expires_at: Date | string | null;
  next_review_at: Date | string | null;
  risk_score: number;
};
export async function identityRow(db: Database, key: string): Promise<Row & { risk_factors: string[] }> {
  const [r] = await queryRows<Row & { risk_factors: string[] | string }>(
    db,
    sql`SELECT owner_id, backup_owner_id, team_id, purpose, expires_at, next_review_at, risk_score, risk_factors FROM identities WHERE id = ${curatedId(key)}::uuid`,
  );
  return { ...r!, risk_factors: pgArray(r!.risk_factors) };
}
