import "server-only";
import { and, eq, getTableColumns, inArray, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { identityAccessColumns, identityColumns, personColumns, pick, type RowOf } from "@/db/columns";
import { identities, systems, users } from "@/db/schema";
import { isAuditorOnly, type Actor } from "@/lib/auth";
import { DomainError, invalid, notFound } from "@/lib/errors";
import { canEditPurpose, canSee, relationTo } from "@/lib/identities";
import type { PolicyRequest, SubjectFacts } from "@/lib/policy";
import type { StoredRequest } from "./apply";
import { grantEnd, requestInputSchema, type RequestInput } from "./input";
import { now } from "@/lib/clock";

/**
 * Turns a parsed request into the facts policy decides on, reading what the database knows (who
 * owns the identity, who manages the owner, whether people are still here). Also refuses, before
 * policy, what is not the requester's to ask: a request about an identity is for those answerable
 * for it (owner, backup owner, the owner's managers, security).
 */
export type Person = {
  id: string;
  name: string;
  active: boolean;
  managerId: string | null;
  teamId: string | null;
  /** Auditor-only: reads everything, changes nothing, so can own nothing. */
  readOnly: boolean;
};
// The subject's SQL names the identity i, its system s and its owner o.
const i = alias(identities, "i");
const sys = alias(systems, "s");
const o = alias(users, "o");
const subjectColumns = {
  ...pick(getTableColumns(i), "id", "name", "ownerId", "backupOwnerId", "teamId", "status", "expiresAt"),
  environment: sys.environment,
  systemStatus: sys.status,
  systemName: sys.name,
  ownerManagerId: o.managerId,
  /** The identity's policy exceptions, [{ rule, endsAt }] as JSON; policy keeps those in force at its clock. */
  exceptions: sql<
    { rule: string; endsAt: string }[] | string | null
  >`(SELECT json_agg(json_build_object('rule', e.rule, 'endsAt', e.ends_at)) FROM policy_exceptions e
            WHERE e.identity_id = i.id)`,
} satisfies Record<keyof typeof identityAccessColumns, unknown> & Record<string, unknown>;
export type Subject = RowOf<typeof subjectColumns>;
export type Facts = { policy: PolicyRequest; subject: Subject | null; owner: Person | null };

export async function personById(db: Database, id: string): Promise<Person | null> {
  // Held to the end of the caller's transaction: a role change (to auditor only) or a departure
  // waits for it, and one committed first is what this reads.
  const [p] = await db
    .select(pick(personColumns, "id", "name", "status", "managerId", "teamId", "roles"))
    .from(users)
    .where(eq(users.id, id))
    .for("share");
  if (!p) return null;
  return {
    id: p.id,
    name: p.name,
    active: p.status === "active",
    managerId: p.managerId,
    teamId: p.teamId,
    readOnly: isAuditorOnly(p.roles),
  };
}

/** An owner, backup owner or new owner must be someone who may act on the identity. */
function refuseReadOnly(person: Person, field: string): void {
  if (person.readOnly)
    throw invalid(
      `${person.name} is an auditor: auditors read everything and change nothing, so they cannot own an identity.`,
      { [field]: [`${person.name} is an auditor and cannot own an identity.`] },
    );
}

async function subjectFor(db: Database, actor: Actor, identityId: string, checkAccess: boolean): Promise<Subject> {
  const [row] = await db
    .select(subjectColumns)
    .from(i)
    .innerJoin(sys, eq(sys.id, i.systemId))
    .leftJoin(o, eq(o.id, i.ownerId))
    .where(eq(i.id, identityId));
  if (!row) throw notFound("That identity");
  if (checkAccess) {
    const rel = await relationTo(db, actor, row);
    if (!canSee(rel)) throw notFound("That identity");
    if (!canEditPurpose(rel))
      throw invalid("Requests about an identity come from its owner, backup owner, the owner's manager or security.", {
        identityId: ["You are not answerable for this identity."],
      });
  }
  if (!["active", "suspended", "pending"].includes(row.status))
    throw invalid(`This identity is ${row.status}; nothing more can be asked for it.`, {
      identityId: [`It is ${row.status}.`],
    });
  if (row.systemStatus !== "active")
    throw invalid(`${row.systemName} is retired; nothing more is granted or extended in it.`, {
      identityId: [`Its system, ${row.systemName}, is retired.`],
    });
  return row;
}

const facts = (s: Subject): SubjectFacts => {
  const exceptions = (typeof s.exceptions === "string" ? JSON.parse(s.exceptions) : s.exceptions) as
    { rule: string; endsAt: string }[] | null;
  return {
    environment: s.environment,
    ownerId: s.ownerId,
    ownerManagerId: s.ownerManagerId,
    expiresAt: s.expiresAt,
    exceptions: (exceptions ?? []).map((e) => ({ rule: e.rule, endsAt: new Date(e.endsAt) })),
  };
};

/**
 * The facts of a stored request as they stand now, for policy's second look at the final approval:
 * the payload read back as the input it came from, the same lookups, no access check (the
 * requester's standing was checked at submission). Anything that no longer holds (the system
 * retired, the identity revoked, the backup owner gone) comes back as a reason to deny.
 */
export async function factsForStored(
  db: Database,
  req: Omit<StoredRequest, "id"> & { justification: string },
): Promise<{ facts: Facts } | { denials: string[] }> {
  const p = req.payload;
  const asDay = (v: unknown) => (typeof v === "string" ? v.slice(0, 10) : undefined);
  const parsed = requestInputSchema.safeParse({
    ...p,
    type: req.type,
    justification: req.justification,
    // A duration is judged again from now, not as the day it would have ended at submission.
    ...(typeof p.durationHours === "number"
      ? { duration: p.durationHours, durationUnit: "hours" }
      : { expiresOn: asDay(p.expiresAt) }),
    endsOn: asDay(p.endsAt),
    ...(req.type === "new_identity" ? {} : { identityId: req.subjectIdentityId ?? p.identityId }),
  });
  if (!parsed.success)
    return {
      denials: [`The stored request no longer reads as valid: ${parsed.error.issues.map((i) => i.message).join(" ")}`],
    };
  try {
    return {
      facts: await gatherFacts(
        db,
        { personId: req.requesterId, name: "", email: "", roles: [], teamId: null },
        parsed.data,
        false,
      ),
    };
  } catch (e) {
    if (e instanceof DomainError) return { denials: [e.message] };
    throw e;
  }
}

export async function gatherFacts(db: Database, actor: Actor, input: RequestInput, checkAccess = true): Promise<Facts> {
  if (input.type === "new_identity") {
    const ownerId = input.ownerId ?? actor.personId;
    const owner = await personById(db, ownerId);
    if (!owner) throw invalid("That owner was not found.", { ownerId: ["That person was not found."] });
    refuseReadOnly(owner, "ownerId");
    // What the identity will point at must exist now, not fail when the last approver signs. Its
    // environment is the system's: policy never takes it from the requester.
    const [system] = await db
      .select({ status: systems.status, environment: systems.environment, connector: systems.connector })
      .from(systems)
      .where(eq(systems.id, input.systemId));
    if (!system) throw invalid("That system was not found.", { systemId: ["That system was not found."] });
    // Steward's own system holds API tokens, made on the API tokens page (a request here could only
    // squat a name a person's token would take).
    if (system.connector === "steward")
      throw invalid("API tokens are made on the API tokens page, not requested.", {
        systemId: ["Choose another system: this one holds Steward's API tokens."],
      });
    if (system.status !== "active")
      throw invalid("That system is retired; nothing new is created in it.", { systemId: ["That system is retired."] });
    if (input.backupOwnerId) {
      const backup = await personById(db, input.backupOwnerId);
      if (!backup?.active)
        throw invalid("The backup owner must be someone still here.", {
          backupOwnerId: ["That person was not found or has left."],
        });
      if (backup.id === ownerId)
        throw invalid("The backup owner must be someone other than the owner.", {
          backupOwnerId: ["Choose someone other than the owner."],
        });
      refuseReadOnly(backup, "backupOwnerId");
    }
    await refuseTakenName(db, input.systemId, input.name);
    return {
      subject: null,
      owner,
      policy: {
        type: "new_identity",
        environment: system.environment,
        ownerId,
        ownerActive: owner.active,
        requesterIsOwner: ownerId === actor.personId,
        purpose: input.purpose || null,
        expiresAt: input.expiresOn ?? null,
        entitlements: input.entitlements,
      },
    };
  }
  const subject = await subjectFor(db, actor, input.identityId, checkAccess);
  const owner = subject.ownerId ? await personById(db, subject.ownerId) : null;
  const s = facts(subject);
  switch (input.type) {
    case "grant_entitlement":
      return {
        subject,
        owner,
        policy: {
          type: "grant_entitlement",
          subject: s,
          entitlement: { resource: input.resource, permission: input.permission },
          expiresAt: grantEnd(input, now()),
        },
      };
    case "extend_expiry":
      return { subject, owner, policy: { type: "extend_expiry", subject: s, expiresAt: input.expiresOn } };
    case "policy_exception":
      return {
        subject,
        owner,
        policy: { type: "policy_exception", subject: s, justification: input.justification, endsAt: input.endsOn },
      };
    case "transfer_ownership": {
      const next = await personById(db, input.newOwnerId);
      if (!next) throw invalid("That person was not found.", { newOwnerId: ["That person was not found."] });
      if (next.id === subject.ownerId)
        throw invalid("That person already owns it.", { newOwnerId: ["That person already owns it."] });
      refuseReadOnly(next, "newOwnerId");
      return {
        subject,
        owner,
        policy: { type: "transfer_ownership", subject: s, newOwnerId: next.id, newOwnerActive: next.active },
      };
    }
  }
}

/**
 * A live identity's name is unique in its system (the database says so too): a request cannot
 * name itself after an account another identity already stands for, by name or by external id.
 */
async function refuseTakenName(db: Database, systemId: string, name: string): Promise<void> {
  const [taken] = await db
    .select(pick(identityColumns, "id"))
    .from(identities)
    .where(
      and(
        eq(identities.systemId, systemId),
        or(eq(identities.name, name), eq(identities.externalId, name)),
        inArray(identities.status, ["pending", "active", "suspended"]),
      ),
    )
    .limit(1);
  if (taken)
    throw invalid(`An identity named ${name} already lives in that system; choose another name.`, {
      name: ["That name is taken in this system."],
    });
}
