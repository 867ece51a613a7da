/**
 * The authorization matrix (issue 10): every mutation of lib/<domain> × every relation and role →
 * allowed or refused, and every server action and route handler → the domain functions it calls.
 *
 * lib/authz/matrix.test.ts walks every cell against a database: a refused cell throws a
 * DomainError, changes no row and writes no audit event; an allowed cell changes what the row
 * promises and writes its audit event. The test also scans lib/ and app/: a new exported
 * `(db: Database, actor: Actor, …)` function must be added here, as a mutation with its cells or
 * as a read; a new server action or route handler must be added to ENTRY_POINTS. So a new feature
 * cannot skip deciding who may use it.
 *
 * The cells say what the rules are (DESIGN.md §1, issue 10), not what the code happens to do.
 */

import { ADMIN_ROWS } from "./rows-admin";
import { API_ROWS } from "./rows-api";
import { IMPORT_ROWS, USAGE_ROWS } from "./rows-usage";
import { BREAK_GLASS_ROWS } from "./rows-break-glass";
import { IDENTITY_ROWS } from "./rows-identities";
import { REQUEST_ROWS } from "./rows-requests";
import { REVIEW_ROWS } from "./rows-reviews";
import { RELATIONS, type MatrixRow, type Relation } from "./matrix-types";

export { RELATIONS, type Cell, type MatrixRow, type Relation } from "./matrix-types";
export { ENTRY_POINTS, NOT_ACTOR_CALLS, PLUMBING, READS, STEPS, type EntryPoint } from "./entry-points";

/**
 * Who plays each column in the test. For a mutation that is not about an identity or a request
 * (settings, systems, people, a new identity), the column is simply that person: their roles are
 * what counts.
 */
export const PLAYERS: Record<Relation, string> = {
  owner: "Olivia (member): owns the target identity; made the target request",
  backupOwner: "Omar (member, Olivia's teammate): set as the target identity's backup owner",
  ownerManager: "Maya (manager of Olivia and Omar): the owner's manager, named on the manager stage",
  otherMember: "a member of another team (inserted by the test): does not even see Payments' identities",
  otherManager: "that member's manager (inserted by the test): a manager, but not above the owner",
  security: "Sam (security)",
  auditor:
    "Ari (auditor only), given the relation that would allow the mutation where one exists (made the owner, the owner's manager, the requester, the named approver): auditors read everything and change nothing",
  admin: "Ada (admin), unrelated to the target",
  departed:
    "Dan (departed): has no session. resolveActor returns null for him, and every server action calling the mutation resolves him with requireActor() before it (actorAction, lib/action; a route handler: currentActor() and a 401)",
};

/** Every mutation × relation: the rows live by domain in ./rows-*.ts. */
export const MATRIX: readonly MatrixRow[] = [
  ...IDENTITY_ROWS,
  ...REQUEST_ROWS,
  ...REVIEW_ROWS,
  ...BREAK_GLASS_ROWS,
  ...ADMIN_ROWS,
  ...API_ROWS,
  ...USAGE_ROWS,
  ...IMPORT_ROWS,
];

export const rowName = (r: MatrixRow) => (r.variant ? `${r.fn} (${r.variant})` : r.fn);
export const cellCount = () => MATRIX.length * RELATIONS.length;

/** The matrix as a text table, for the test's summary and for reading. */
export function renderMatrix(): string {
  const head = ["mutation", ...RELATIONS];
  const rows = MATRIX.map((r) => [rowName(r), ...RELATIONS.map((rel) => (r.cells[rel] === "allowed" ? "✓" : "·"))]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(width[i]!)).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
