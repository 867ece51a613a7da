import type { Environment } from "@/db/schema";
import type { PolicySettings } from "./settings";

/**
 * What policy sees of a request: plain facts gathered by lib/requests (who, what, for how long),
 * never database rows, so every rule is a pure function that a table-driven test can drive.
 */
export type Grant = { resource: string; permission: string };

/** The identity a request is about, as it stands. */
export type SubjectFacts = {
  environment: Environment;
  ownerId: string | null;
  ownerManagerId: string | null;
  expiresAt: Date | null;
  /** Policy exceptions in force for the identity: the rule each waives and when it ends. */
  exceptions?: { rule: string; endsAt: Date }[];
};

export type PolicyRequest =
  | {
      type: "new_identity";
      environment: Environment;
      ownerId: string | null;
      ownerActive: boolean;
      /** Someone creating an identity for another person is never the standard baseline. */
      requesterIsOwner: boolean;
      purpose: string | null;
      expiresAt: Date | null;
      entitlements: Grant[];
    }
  | { type: "grant_entitlement"; subject: SubjectFacts; entitlement: Grant; expiresAt: Date | null }
  | { type: "extend_expiry"; subject: SubjectFacts; expiresAt: Date }
  | { type: "policy_exception"; subject: SubjectFacts; justification: string; endsAt: Date }
  | { type: "transfer_ownership"; subject: SubjectFacts; newOwnerId: string; newOwnerActive: boolean }
  | {
      type: "break_glass";
      subject: SubjectFacts;
      /** The elevated entitlement; null: the identity itself (its credential). */
      entitlement: Grant | null;
      hours: number;
      incident: string;
      /** The requester is on the on-call list (a setting, read by lib/break-glass). */
      requesterOnCall: boolean;
      /** The requester has a post-use review of their own past its due date. */
      requesterOverdueReview: boolean;
    };

export type PolicyContext = { now: Date; requesterId: string; settings: PolicySettings };

/** An approval stage policy asks for: the owner's manager, then security. */
export type StageRule = "owner_manager" | "security";

/** One rule's verdict on one request, in words a requester understands. */
export type RuleVerdict = { result: "pass" | "deny" | "needs_approval"; reason: string; stage?: StageRule };

export type Rule = {
  id: string;
  /** What the rule is for, shown beside its verdicts. */
  title: string;
  appliesTo: readonly PolicyRequest["type"][];
  evaluate(request: PolicyRequest, ctx: PolicyContext): RuleVerdict;
};
