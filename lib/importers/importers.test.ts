import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, refusal, testDatabase } from "@/lib/testing";
import { importIdentities } from ".";

// Each format on a file as its tool writes it; re-importing changes nothing; what a newer file no
// longer lists is flagged; a bad file is refused whole with its lines and writes nothing.

const conn = testDatabase({ identities: 60 });
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");
const at = new Date("2026-12-03T12:00:00.000Z");
const run = (format: string, text: string, extra: Record<string, unknown> = {}) =>
  importIdentities(conn.db, conn.personas.sam, { format, text, ...extra }, at);
const identity = async (system: string, externalId: string) =>
  (
    await queryRows<{
      name: string;
      kind: string;
      origin: string;
      owner_id: string | null;
      status: string;
      last_used_at: Date | string | null;
      expires_at: Date | string | null;
      missing_from_import_at: Date | string | null;
      credential_type: string;
    }>(
      conn.db,
      sql`SELECT i.* FROM identities i JOIN systems s ON s.id = i.system_id WHERE s.name = ${system} AND i.external_id = ${externalId}`,
    )
  )[0];
const count = async (q: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(conn.db, q))[0]!.n);
const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);

describe("aws-credential-report", () => {
  const system = "AWS (credential report)";
  it("makes each active access key and certificate an identity, flags the root account's key, and re-imports idempotently", async () => {
    const report = fixture("credential-report.csv");
    const first = await run("aws-credential-report", report);
    expect(first).toMatchObject({
      system,
      systemCreated: true,
      rows: 5,
      created: 5,
      updated: 0,
      missing: 0,
      orphaned: 5,
    });
    expect(first.warnings).toEqual([{ line: 2, message: expect.stringMatching(/root account/) }]);
    const key = await identity(system, "arn:aws:iam::412388912207:user/ci-deployer#access_key_1");
    expect(key).toMatchObject({
      name: "ci-deployer/access-key-1",
      kind: "api_key",
      origin: "imported",
      owner_id: null,
      status: "active",
    });
    expect(iso(key!.last_used_at)).toBe("2026-12-02T23:14:00.000Z");
    // Scored as it was inserted: nobody owns it (and the rescore agrees).
    const [risk] = await queryRows<{ risk_score: number; top: string }>(
      conn.db,
      sql`SELECT risk_score, risk_factors[1] AS top FROM identities WHERE external_id = 'arn:aws:iam::412388912207:user/ci-deployer#access_key_1'`,
    );
    expect(risk).toEqual({ risk_score: expect.any(Number), top: "orphaned" });
    expect(risk!.risk_score).toBeGreaterThanOrEqual(30);
    // "no_information" and "N/A" are no dates, not errors.
    expect(
      (await identity(system, "arn:aws:iam::412388912207:user/svc/backup-writer#access_key_1"))!.last_used_at,
    ).toBeNull();
    expect((await identity(system, "arn:aws:iam::412388912207:user/svc/backup-writer#cert_1"))!.credential_type).toBe(
      "certificate",
    );
    expect(await auditCount(conn.db, "identities.imported")).toBe(1);

    const again = await run("aws-credential-report", report);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5, missing: 0, systemCreated: false });

    // A newer report without backup-writer: its two credentials are flagged missing, not deleted; back again, cleared.
    const newer = report
      .split("\n")
      .filter((l) => !l.startsWith("backup-writer"))
      .join("\n");
    expect(await run("aws-credential-report", newer)).toMatchObject({ missing: 2, created: 0 });
    const gone = await identity(system, "arn:aws:iam::412388912207:user/svc/backup-writer#access_key_1");
    expect(gone).toMatchObject({ status: "active" });
    expect(iso(gone!.missing_from_import_at)).toBe(at.toISOString());
    expect(await run("aws-credential-report", report)).toMatchObject({ updated: 2, missing: 0 });
    expect(
      (await identity(system, "arn:aws:iam::412388912207:user/svc/backup-writer#access_key_1"))!.missing_from_import_at,
    ).toBeNull();
  });

  it("refuses a broken report whole, with line numbers, and writes nothing", async () => {
    const before = [await count(sql`SELECT count(*)::int AS n FROM identities`), await auditCount(conn.db)];
    const report = fixture("credential-report.csv")
      .replace("2022-01-11T09:00:00+00:00", "yesterday")
      .replace(",true,2021-06-01", ",maybe,2021-06-01");
    const e = await refusal(run("aws-credential-report", report));
    expect(e.code).toBe("invalid");
    expect(e.fieldErrors!.file).toEqual([
      expect.stringMatching(/^Line 3: user_creation_time is not a date/),
      expect.stringMatching(/^Line 4: access_key_1_active is "maybe"/),
    ]);
    const noHeader = await refusal(run("aws-credential-report", "user,arn\nx,y\n"));
    expect(noHeader.fieldErrors!.file![0]).toMatch(/^Line 1: Not a credential report: missing the columns/);
    const notCsv = await refusal(run("aws-credential-report", 'user,arn,"unclosed\n'));
    expect(notCsv.fieldErrors!.file![0]).toMatch(/cannot be read/);
    expect([await count(sql`SELECT count(*)::int AS n FROM identities`), await auditCount(conn.db)]).toEqual(before);
  });
});

describe("the other formats", () => {
  it("kubernetes-serviceaccounts: the owner annotation is honoured, the legacy token's last use read", async () => {
    const out = await run("kubernetes-serviceaccounts", fixture("serviceaccounts.json"), {
      system: "Kubernetes prod-us",
    });
    expect(out).toMatchObject({ created: 2, orphaned: 1 });
    const settlement = await identity("Kubernetes prod-us", "system:serviceaccount:payments:settlement");
    expect(settlement).toMatchObject({
      name: "payments/settlement",
      kind: "workload",
      owner_id: conn.personas.olivia.personId,
      credential_type: "short_lived_token",
    });
    const legacy = await identity("Kubernetes prod-us", "system:serviceaccount:legacy-batch:default");
    expect(legacy).toMatchObject({ credential_type: "static_secret", owner_id: null });
    expect(iso(legacy!.last_used_at)).toBe("2026-11-20T00:00:00.000Z");
  });

  it("github-fine-grained-pats: permissions become entitlements (write is privileged); an expired token arrives suspended", async () => {
    const out = await run("github-fine-grained-pats", fixture("pats.json"));
    expect(out).toMatchObject({ created: 2 });
    const bot = await identity("GitHub (personal access tokens)", "pat-grant-25381");
    expect(bot).toMatchObject({ name: "octocat/release-bot", status: "active" });
    const grants = await queryRows<{ resource: string; permission: string; privileged: boolean }>(
      conn.db,
      sql`SELECT e.resource, e.permission, e.privileged FROM entitlements e JOIN identities i ON i.id = e.identity_id
          WHERE i.external_id = 'pat-grant-25381' ORDER BY e.resource`,
    );
    expect(grants).toEqual([
      { resource: "organization:members", permission: "read", privileged: false },
      { resource: "repository:contents", permission: "write", privileged: true },
      { resource: "repository:metadata", permission: "read", privileged: false },
    ]);
    expect((await identity("GitHub (personal access tokens)", "pat-grant-25382"))!.status).toBe("suspended");
  });

  it("gcp-service-account-keys: user-managed keys only; a key valid until 9999 never expires", async () => {
    const out = await run("gcp-service-account-keys", fixture("gcp-keys.json"));
    expect(out).toMatchObject({ rows: 2, created: 2 });
    const etl = await identity(
      "Google Cloud (service account keys)",
      "projects/acme-data/serviceAccounts/etl-runner@acme-data.iam.gserviceaccount.com/keys/3f1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a",
    );
    expect(etl).toMatchObject({
      name: "etl-runner@acme-data.iam.gserviceaccount.com/key-3f1c2b9a8d7e",
      expires_at: null,
    });
  });

  it("azure-service-principals: one identity each, ending with its last credential; a disabled one suspended", async () => {
    const out = await run("azure-service-principals", fixture("service-principals.json"));
    expect(out).toMatchObject({ created: 2 });
    const app = await identity("Entra ID (service principals)", "00af5dfb-85da-4b41-a677-0c6b86dd34f8");
    expect(app).toMatchObject({ kind: "oauth_app", credential_type: "static_secret" });
    expect(iso(app!.expires_at)).toBe("2027-06-01T00:00:00.000Z");
    expect((await identity("Entra ID (service principals)", "11bf5dfb-85da-4b41-a677-0c6b86dd34f9"))!.status).toBe(
      "suspended",
    );
  });

  it("csv: the documented columns; bad rows refused with their lines; a dry run writes nothing", async () => {
    const good = [
      "external_id,name,kind,owner_email,purpose,last_used_at,expires_at,entitlements",
      "svc-42,report-exporter,service_account,omar.owner@example.com,Exports the monthly report.,2026-11-30T10:00:00Z,2027-02-01,read on reports-bucket; admin on reports-db",
      "svc-43,orphan-bot,bot,nobody@example.com,,,,",
    ].join("\n");
    const before = await count(sql`SELECT count(*)::int AS n FROM identities`);
    const dry = await run("csv", good, { system: "Reporting", dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, created: 2, orphaned: 1 });
    expect(dry.sample.map((s) => [s.name, s.action, s.owner])).toEqual([
      ["report-exporter", "create", "omar.owner@example.com"],
      ["orphan-bot", "create", null],
    ]);
    expect(await count(sql`SELECT count(*)::int AS n FROM identities`)).toBe(before);
    expect(await count(sql`SELECT count(*)::int AS n FROM systems WHERE name = 'Reporting'`)).toBe(0);
    expect(await run("csv", good, { system: "Reporting" })).toMatchObject({ created: 2 });
    const bad = [
      "external_id,name,kind,owner_email",
      "a,alpha,robot,x@example.com",
      "b,beta,bot,not-an-email",
      "a,alpha-again,bot,",
    ].join("\n");
    const e = await refusal(run("csv", bad, { system: "Reporting" }));
    expect(e.fieldErrors!.file).toEqual([
      expect.stringMatching(/^Line 2: kind "robot"/),
      expect.stringMatching(/^Line 3: owner_email "not-an-email"/),
    ]);
    const nul = await refusal(run("csv", "external_id,name,kind,entitlements\nn,x,bot,read on a\u0000b\n"));
    expect(nul.fieldErrors!.file).toEqual([
      expect.stringMatching(/^Line 2: an entitlement's resource is not usable text/),
    ]);
    const pat = await refusal(
      run(
        "github-fine-grained-pats",
        JSON.stringify([{ id: 9, owner: { login: "x" }, permissions: { repository: { "a\ud800": "write" } } }]),
      ),
    );
    expect(pat.fieldErrors!.file![0]).toMatch(/a permission's name is not usable text/);
    const dup = await refusal(run("csv", "external_id,name,kind\na,x,bot\na,y,bot\n"));
    expect(dup.fieldErrors!.file).toEqual(["Line 3: a is listed twice (first on line 2)."]);
  });

  it("never binds by name: a requested identity holding the name is reported, and members may not import", async () => {
    await run("csv", "external_id,name,kind\nfirst,holder,bot\n", { system: "Binding check" });
    await conn.db.execute(sql`UPDATE identities SET external_id = NULL, origin = 'discovered' WHERE name = 'holder'`);
    const out = await run("csv", "external_id,name,kind\nsecond,holder,bot\n", { system: "Binding check" });
    expect(out).toMatchObject({ created: 0, conflicts: [{ line: 2, name: "holder" }] });
    const e = await refusal(
      importIdentities(conn.db, conn.personas.olivia, { format: "csv", text: "external_id,name,kind\n" }, at),
    );
    expect(e.code).toBe("forbidden");
  });
});
