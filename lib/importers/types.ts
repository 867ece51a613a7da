import type { IdentityKind, SYSTEM_KINDS } from "@/db/schema";

/** One identity a file describes, as every format reads into it. */
export type ImportRow = {
  /** Where in the file it came from (1-based), for messages. */
  line: number;
  /** The account in the system: what binds the identity (unique per system). */
  externalId: string;
  name: string;
  kind: IdentityKind;
  credentialType: "static_secret" | "certificate" | "short_lived_token" | "federated";
  /** Disabled in the system: imported suspended. */
  disabled: boolean;
  createdAt: string | null;
  lastUsedAt: string | null;
  lastRotatedAt: string | null;
  expiresAt: string | null;
  /** Matched to a person by email; else the identity arrives orphaned, to be claimed. */
  ownerEmail: string | null;
  purpose: string | null;
  entitlements: { resource: string; permission: string }[];
  /** Something the file says that needs a person's eye (a root account's access key). */
  warnings: string[];
};

export type ParseError = { line: number; message: string };
export type Parsed = { rows: ImportRow[]; errors: ParseError[] };

export type Format = {
  name: string;
  label: string;
  /** The system an import goes to when none is named, and its kind. */
  defaultSystem: string;
  systemKind: (typeof SYSTEM_KINDS)[number];
  parse(text: string): Parsed;
};
