// The matrix's vocabulary: the columns (relations and roles), a cell, a row. See ./matrix.ts.

export const RELATIONS = [
  "owner",
  "backupOwner",
  "ownerManager",
  "otherMember",
  "otherManager",
  "security",
  "auditor",
  "admin",
  "departed",
] as const;
export type Relation = (typeof RELATIONS)[number];

export type Cell = "allowed" | "refused";
export const Y: Cell = "allowed";
export const N: Cell = "refused";

export type MatrixRow = {
  /** The exported function of lib/ (several rows may test one function with different targets). */
  fn: string;
  /** What the row tries, when one function has several rows. */
  variant?: string;
  file: string;
  does: string;
  cells: Record<Relation, Cell>;
  /**
   * How a refusal shows. `throws` (the default): a DomainError. `skips`: a bulk action that reports
   * what the actor may not do instead of failing the whole selection; refused means it throws, or
   * it approves nothing and reports every id skipped.
   */
  refusal?: "throws" | "skips";
  /** Refused through any API token, whatever its scopes (a token makes no tokens); else a write token may what its person may. */
  throughToken?: "refused";
};

/** A row's cells from the columns it allows: every column it does not name is refused. */
export function allowedTo(...allowed: Relation[]): Record<Relation, Cell> {
  return Object.fromEntries(RELATIONS.map((r) => [r, allowed.includes(r) ? Y : N])) as Record<Relation, Cell>;
}
