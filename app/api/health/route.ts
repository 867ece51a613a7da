import { sql } from "drizzle-orm";
import { NextResponse } from "next/server";
import { getConnection, queryRows } from "@/db";

export const dynamic = "force-dynamic";

/** Liveness and the database's state, for load balancers and operators. */
export async function GET() {
  const started = performance.now();
  try {
    const conn = getConnection();
    const [row] = await queryRows<{ migrations: number; people: number }>(
      conn.db,
      sql`SELECT (SELECT count(*)::int FROM drizzle.__drizzle_migrations) AS migrations, (SELECT count(*)::int FROM users) AS people`,
    );
    return NextResponse.json({
      status: "ok",
      database: { kind: conn.kind, state: "up", migrations: row?.migrations ?? 0, seeded: (row?.people ?? 0) > 0, latencyMs: Math.round(performance.now() - started) },
    });
  } catch (e) {
    return NextResponse.json({ status: "error", database: { state: "down", error: (e as Error).message.split("\n")[0] } }, { status: 503 });
  }
}
