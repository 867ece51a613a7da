import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { testDatabase as testDatabase } from "@/lib/testing";
import { identityAccessColumns, pick, readRows, selectList, systemColumns } from "./columns";
import { identities, systems } from "./schema";

const conn = testDatabase();

describe("column sets", () => {
  it("raw SQL over a column set reads the same row as the query builder (keys, dates, JSON)", async () => {
    const [system] = await conn.db
      .insert(systems)
      .values({ name: "Vault", kind: "aws_account", settings: { region: "eu" } })
      .returning();
    await conn.db.insert(identities).values({
      name: "svc-a",
      kind: "service_account",
      systemId: system!.id,
      environment: "production",
      origin: "discovered",
    });
    const columns = pick(systemColumns, "id", "name", "settings", "createdAt");
    const built = await conn.db.select(columns).from(systems).where(eq(systems.id, system!.id));
    const raw = await readRows(
      conn.db,
      columns,
      sql`SELECT ${selectList(columns)} FROM systems WHERE id = ${system!.id}::uuid`,
    );
    expect(raw).toEqual(built);
    expect(raw[0]!.createdAt).toBeInstanceOf(Date);
    expect(raw[0]!.settings).toEqual({ region: "eu" });

    const [access] = await readRows(
      conn.db,
      identityAccessColumns,
      sql`SELECT ${selectList(identityAccessColumns)} FROM identities`,
    );
    expect(access).toEqual({
      id: expect.any(String),
      ownerId: null,
      backupOwnerId: null,
      teamId: null,
      status: "active",
    });
  });
});
