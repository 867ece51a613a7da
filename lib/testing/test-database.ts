import "server-only";
import { afterAll, beforeAll } from "vitest";
import type { Connection } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import type { PersonaKey } from "@/lib/auth/personas";
import { setClock } from "@/lib/clock";
import { createServerTestDatabase, createTestDatabase } from "./database";
import { seedSmall } from "./estate";
import { actorOf, allActors } from "./personas";

export type TestConnection = Connection & {
  /** The server database's URL (undefined on the embedded database). */
  readonly url?: string;
  /** Every persona's actor, read once after seeding (filled in by beforeAll, so keep the object, not its fields). */
  readonly personas: Record<PersonaKey, Actor>;
  /** A persona's actor read now: after a test changed their roles, team or status. */
  actor(key: PersonaKey): Promise<Actor>;
};

export type TestDatabaseOptions = {
  /** Seed the demo estate with this many identities (and the personas); omitted, the database stays empty. */
  identities?: number;
  /** The clock while seeding (the seed's dates count from it); the real clock again afterwards. */
  seedAt?: Date;
  /** How long opening and seeding may take (a large estate), beyond the config's hookTimeout. */
  timeout?: number;
  /** On the PostgreSQL server whatever DATABASE_URL says, for real concurrency (gate with pgServerTests). */
  server?: boolean;
};

/**
 * A test file's (or describe block's) own database: opened, migrated and seeded in beforeAll,
 * closed in afterAll. The embedded database by default, a fresh one on DATABASE_URL's server when it
 * is set (see ./database). The answer stands for the connection at once, so a file writes
 * `const conn = testDatabase({ identities: 60 })` and uses `conn.db` in its tests; hooks the
 * file registers after this call run after the database is ready (and their afterAll before it closes).
 */
export function testDatabase(options: TestDatabaseOptions = {}): TestConnection {
  let open: (Connection & { url?: string }) | undefined;
  const personas = {} as Record<PersonaKey, Actor>;
  const current = () => {
    if (!open) throw new Error("the test database is open only from beforeAll to afterAll");
    return open;
  };
  beforeAll(async () => {
    open = options.server ? await createServerTestDatabase() : await createTestDatabase();
    if (options.identities === undefined) return;
    const { seedAt } = options;
    if (seedAt) setClock(() => seedAt);
    try {
      await seedSmall(open, options.identities);
    } finally {
      if (seedAt) setClock(undefined);
    }
    Object.assign(personas, await allActors(open.db));
  }, options.timeout);
  afterAll(async () => {
    await open?.close();
    open = undefined;
  });
  return {
    get db() {
      return current().db;
    },
    get kind() {
      return current().kind;
    },
    get client() {
      return current().client;
    },
    get url() {
      return current().url;
    },
    close: () => current().close(),
    personas,
    actor: (key) => actorOf(current().db, key),
  };
}
