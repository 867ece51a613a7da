// The door to lib/connectors: what the rest of the app may call (connectorFor picks a system's
// connector). Modules inside the domain import each other directly; everything outside imports
// from "@/lib/connectors" (eslint enforces it).
import { manualConnector } from "./manual";
import { postgresConnector } from "./postgres";
import { stewardConnector } from "./steward";
import type { Connector, SystemTarget } from "./types";
import { webhookConnector } from "./webhook";

/** The connector a system is configured with. */
export function connectorFor(system: SystemTarget): Connector {
  switch (system.connector) {
    case "postgres":
      return postgresConnector;
    case "manual":
      return manualConnector;
    case "webhook":
      return webhookConnector;
    case "steward":
      return stewardConnector;
  }
}

export type { BatchOutcome, Connector, GrantTarget, RevokeTarget, SystemTarget } from "./types";
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE_SECONDS, verifySignature } from "./webhook-signature";
