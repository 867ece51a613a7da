import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { personColumns, pick } from "@/db/columns";
import { users } from "@/db/schema";
import { invalid } from "@/lib/errors";

/** A person still here, by email; a refusal naming `field` when there is none. */
export async function activePersonByEmail(db: Database, email: string | undefined, field: string, what: string) {
  const address = (email ?? "").trim().toLowerCase();
  if (!address) throw invalid(`Give ${what}'s email.`, { [field]: [`Give ${what}'s email.`] });
  const [person] = await db
    .select(pick(personColumns, "id", "name", "roles"))
    .from(users)
    .where(and(sql`lower(${users.email}) = ${address}`, eq(users.status, "active")))
    .limit(1);
  if (!person)
    throw invalid(`Nobody still here has the email ${address}.`, { [field]: [`Nobody still here has that email.`] });
  return person;
}
