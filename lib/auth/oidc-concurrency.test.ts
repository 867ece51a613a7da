import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { pgServerTests, testDatabase } from "@/lib/testing";
import { provisionOidcPerson, type OidcClaims } from "./people";

// First sign-ins of one account racing each other, on a PostgreSQL server whatever DATABASE_URL
// says: the embedded database runs one transaction at a time, so there they never overlap.

const onServer = await pgServerTests("oidc-concurrency.test (first sign-ins at once)");
const IDP = "https://idp.example";
const token = (subject: string, email: string): OidcClaims => ({ issuer: IDP, subject, email, emailVerified: true });

describe.runIf(onServer)("OpenID Connect first sign-ins at once", () => {
  const conn = testDatabase({ identities: 60, server: true });

  it("eight first sign-ins of one new account end as one person, bound once and audited once [PostgreSQL: real concurrency]", async () => {
    expect(conn.kind).toBe("postgres");
    const people = await Promise.all(
      Array.from({ length: 8 }, () => provisionOidcPerson(conn.db, token("sub-racer", "racer@example.com"))),
    );
    expect(new Set(people.map((p) => p.id)).size).toBe(1);
    const [rows] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM users WHERE lower(email) = 'racer@example.com'`,
    );
    expect(rows!.n).toBe(1);
    const [bound] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'person.oidc_bound' AND subject_id = ${people[0]!.id}`,
    );
    expect(bound!.n).toBe(1);
  });

  it("eight first sign-ins of one account for an existing person bind it once [PostgreSQL: real concurrency]", async () => {
    const people = await Promise.all(
      Array.from({ length: 8 }, () => provisionOidcPerson(conn.db, token("sub-olivia", "olivia.owner@example.com"))),
    );
    expect(new Set(people.map((p) => p.id)).size).toBe(1);
    const [bound] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'person.oidc_bound' AND subject_id = ${people[0]!.id}`,
    );
    expect(bound!.n).toBe(1);
  });
});
