import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import type { Environment } from "@/db/schema";
import { conflict } from "@/lib/errors";

/** Steward's own system, where its API tokens live as identities; made on the first token. */
export const STEWARD_SYSTEM = "Steward";
/** The resource a token's scopes are entitlements on. */
export const TOKEN_RESOURCE = "Steward API";

export async function stewardSystem(tx: Database): Promise<{ id: string; environment: Environment }> {
  await tx.execute(
    sql`INSERT INTO systems (name, kind, environment, connector) VALUES (${STEWARD_SYSTEM}, 'saas_app', 'production', 'steward')
        ON CONFLICT (name) DO NOTHING`,
  );
  const [s] = await queryRows<{ id: string; environment: Environment; connector: string; status: string }>(
    tx,
    sql`SELECT id, environment, connector, status FROM systems WHERE name = ${STEWARD_SYSTEM} FOR SHARE`,
  );
  if (s!.connector !== "steward")
    throw conflict(
      `A system named ${STEWARD_SYSTEM} already exists and is not Steward's own: rename it to make tokens.`,
    );
  if (s!.status !== "active") throw conflict(`The ${STEWARD_SYSTEM} system is retired: no new tokens are made.`);
  return { id: s!.id, environment: s!.environment };
}
