import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { identities } from "@/db/schema";
import { auditCount, refusal, testDatabase } from "@/lib/testing";
import { configureConnector, listSystems, retireSystem, setSystemEnvironment } from "./systems";

const conn = testDatabase({ identities: 60 });
const actors = conn.personas;

const systemNamed = async (like: string) =>
  (
    await queryRows<{ id: string; name: string }>(
      conn.db,
      sql`SELECT id, name FROM systems WHERE name LIKE ${like} ORDER BY name LIMIT 1`,
    )
  )[0]!;
const stored = async (id: string) =>
  (
    await queryRows<{ connector: string; settings: Record<string, unknown>; status: string }>(
      conn.db,
      sql`SELECT connector, settings, status FROM systems WHERE id = ${id}::uuid`,
    )
  )[0]!;

describe("systems and their connectors", () => {
  it("admins, security and auditors read them; secrets never come back out", async () => {
    const slack = await systemNamed("Slack%");
    await configureConnector(conn.db, actors.ada, {
      systemId: slack.id,
      connector: "webhook",
      url: "https://hooks.internal/slack",
      secret: "s3cret-signing-key-0123456789",
    });
    const pg = await systemNamed("Postgres%");
    await configureConnector(conn.db, actors.ada, {
      systemId: pg.id,
      connector: "postgres",
      url: "postgres://steward_revoker:Hunter2-pass@db.internal:5432/payments?sslpassword=Hunter2-key",
    });
    for (const who of ["ada", "sam", "ari"] as const) {
      const systems = await listSystems(conn.db, actors[who]);
      const text = JSON.stringify(systems);
      expect(text, who).not.toContain("s3cret-signing-key");
      expect(text, who).not.toContain("Hunter2");
      expect(systems.find((s) => s.id === slack.id)!.settings).toMatchObject({
        url: "https://hooks.internal/slack",
        secretSet: true,
      });
      // The live count is the system's own identities (a subquery that once compared i.system_id to i.id).
      const live = await conn.db.$count(
        identities,
        and(eq(identities.systemId, pg.id), inArray(identities.status, ["pending", "active", "suspended"])),
      );
      expect(live).toBeGreaterThan(0);
      expect(systems.find((s) => s.id === pg.id)!.liveIdentities).toBe(live);
      expect(systems.find((s) => s.id === pg.id)!.settings.url).toBe(
        "postgres://steward_revoker:****@db.internal:5432/payments?sslpassword=****",
      );
    }
    for (const who of ["olivia", "omar", "maya"] as const)
      expect((await refusal(listSystems(conn.db, actors[who]))).code).toBe("forbidden");
    // The audit trail of the change holds no secret either.
    const events = await queryRows<{ before: unknown; after: unknown }>(
      conn.db,
      sql`SELECT before, after FROM audit_events WHERE action = 'system.connector_changed'`,
    );
    expect(JSON.stringify(events)).not.toMatch(/s3cret-signing-key|Hunter2/);
  });

  it("only admins change a connector; a blank secret keeps the stored one; bad settings change nothing", async () => {
    const slack = await systemNamed("Slack%");
    for (const who of ["olivia", "omar", "maya", "sam", "ari"] as const) {
      expect(
        (await refusal(configureConnector(conn.db, actors[who], { systemId: slack.id, connector: "manual" }))).code,
        who,
      ).toBe("forbidden");
    }
    await configureConnector(conn.db, actors.ada, {
      systemId: slack.id,
      connector: "webhook",
      url: "https://hooks.internal/slack-v2",
      secret: "",
    });
    expect((await stored(slack.id)).settings).toMatchObject({
      url: "https://hooks.internal/slack-v2",
      secret: "s3cret-signing-key-0123456789",
    });
    const before = await stored(slack.id);
    for (const bad of [
      { systemId: slack.id, connector: "webhook", url: "ftp://nope" },
      { systemId: slack.id, connector: "webhook", url: "https://x", secret: "short" },
      { systemId: slack.id, connector: "postgres", url: "mysql://x" },
      { systemId: slack.id, connector: "carrier-pigeon" },
    ])
      expect((await refusal(configureConnector(conn.db, actors.ada, bad))).code).toBe("invalid");
    expect(await stored(slack.id)).toEqual(before);
  });

  it("retiring a system revokes every live identity in it, after confirming how many; only admins retire", async () => {
    const sys = (
      await queryRows<{ id: string; n: number }>(
        conn.db,
        sql`SELECT s.id, count(*)::int AS n FROM systems s JOIN identities i ON i.system_id = s.id AND i.status IN ('pending', 'active', 'suspended')
          WHERE s.status = 'active' GROUP BY s.id ORDER BY count(*) DESC LIMIT 1`,
      )
    )[0]!;
    expect(sys.n).toBeGreaterThan(1);
    for (const who of ["olivia", "omar", "maya", "sam", "ari"] as const) {
      expect(
        (
          await refusal(
            retireSystem(conn.db, actors[who], {
              systemId: sys.id,
              confirmCount: sys.n,
              reason: "Vendor contract ended",
            }),
          )
        ).code,
        who,
      ).toBe("forbidden");
    }
    // A stale count (someone added an identity since the page was shown) is refused: confirm again.
    const stale = await refusal(
      retireSystem(conn.db, actors.ada, { systemId: sys.id, confirmCount: sys.n - 1, reason: "Vendor contract ended" }),
    );
    expect(stale.message).toMatch(new RegExp(`now has ${sys.n} live`));
    expect((await stored(sys.id)).status).toBe("active");
    const requestedBefore = await auditCount(conn.db, "revocation.requested");

    const out = await retireSystem(conn.db, actors.ada, {
      systemId: sys.id,
      confirmCount: sys.n,
      reason: "Vendor contract ended",
    });
    expect(out.revocationIds).toHaveLength(sys.n);
    expect((await stored(sys.id)).status).toBe("retired");
    const [r] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM revocations v JOIN identities i ON i.id = v.identity_id WHERE i.system_id = ${sys.id}::uuid AND v.status = 'requested'`,
    );
    expect(r!.n).toBe(sys.n);
    expect(await auditCount(conn.db, "revocation.requested")).toBe(requestedBefore + sys.n);
    expect(await auditCount(conn.db, "system.retired")).toBe(1);
    expect(
      (await refusal(retireSystem(conn.db, actors.ada, { systemId: sys.id, confirmCount: 0, reason: "Again" }))).code,
    ).toBe("conflict");
  });

  it("an admin sets a system's environment; every identity in it moves with it, audited; others change nothing", async () => {
    const sys = await systemNamed("GitHub acme-labs%");
    const count = async (env: string) =>
      (
        await queryRows<{ n: number }>(
          conn.db,
          sql`SELECT count(*)::int AS n FROM identities WHERE system_id = ${sys.id}::uuid AND environment = ${env}::environment`,
        )
      )[0]!.n;
    const total = await count("development");
    expect(total).toBeGreaterThan(0);
    const before = await auditCount(conn.db);
    for (const who of ["olivia", "maya", "sam", "ari"] as const) {
      expect(
        (await refusal(setSystemEnvironment(conn.db, actors[who], { systemId: sys.id, environment: "production" })))
          .code,
        who,
      ).toBe("forbidden");
    }
    expect(
      (await refusal(setSystemEnvironment(conn.db, actors.ada, { systemId: sys.id, environment: "prod" }))).fieldErrors
        ?.environment?.[0],
    ).toMatch(/production, staging or development/);
    expect(
      (await refusal(setSystemEnvironment(conn.db, actors.ada, { systemId: "not-a-uuid", environment: "production" })))
        .code,
    ).toBe("invalid");
    expect(await auditCount(conn.db)).toBe(before);
    expect(await count("production")).toBe(0);

    expect(await setSystemEnvironment(conn.db, actors.ada, { systemId: sys.id, environment: "production" })).toEqual({
      identitiesMoved: total,
    });
    expect(await count("production")).toBe(total);
    expect((await listSystems(conn.db, actors.sam)).find((x) => x.id === sys.id)?.environment).toBe("production");
    const [event] = await queryRows<{ before: unknown; after: unknown }>(
      conn.db,
      sql`SELECT before, after FROM audit_events WHERE action = 'system.environment_changed' AND subject_id = ${sys.id}`,
    );
    expect(event).toEqual({
      before: { environment: "development" },
      after: { environment: "production", identitiesMoved: total },
    });
    await setSystemEnvironment(conn.db, actors.ada, { systemId: sys.id, environment: "development" });
  });
});
