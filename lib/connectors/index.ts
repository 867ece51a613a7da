import { manualConnector } from "./manual";
import { postgresConnector } from "./postgres";
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
  }
}
