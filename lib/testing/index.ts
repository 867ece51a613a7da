// What a test file needs, from one place: its database (testDatabase, or the lower-level
// create*TestDatabase), the seeded estate and personas, and the shapes of a failure.
export {
  createServerTestDatabase,
  createTestDatabase,
  PG_SERVER_URL,
  pgServerTests,
  SKIP_PG,
  withDatabase,
} from "./database";
export { auditCount, idsWhere, seedSmall, sortedIds, walkInventory } from "./estate";
export { errorText, refusal, rejection } from "./outcomes";
export { ALL_PERSONAS, actorOf, allActors, curatedId, personaIdOf } from "./personas";
export { connectAs, TARGET_PG_URL } from "./target-postgres";
export { testDatabase, type TestConnection, type TestDatabaseOptions } from "./test-database";
