import { sql } from "drizzle-orm";
import { getDb, queryRows } from "@/db";

export const dynamic = "force-dynamic";

/**
 * Up or down, for load balancers: 200 {status:"ok"} when the database answers with the schema in
 * place, else 503 {status:"down"}. Anyone may ask, so it says nothing else (no database kind,
 * counts or error text); the reason for "down" goes to the server's log for operators.
 */
export async function GET(): Promise<Response> {
  const headers = { "cache-control": "no-store" };
  try {
    await queryRows(getDb(), sql`SELECT 1 FROM users LIMIT 1`);
    return Response.json({ status: "ok" }, { headers });
  } catch (e) {
    console.error("health: the database did not answer:", (e as Error).message);
    return Response.json({ status: "down" }, { status: 503, headers });
  }
}
