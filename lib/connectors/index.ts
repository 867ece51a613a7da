import { manualConnector } from "./manual";
import { postgresConnector } from "./postgres";
import { ConnectorError, type Connector, type SystemTarget } from "./types";

/** The connector a system is configured with. */
export function connectorFor(system: SystemTarget): Connector {
  switch (system.connector) {
    case "postgres":
      return postgresConnector;
    case "manual":
      return manualConnector;
    case "webhook":
      // The signed webhook connector is the next piece of issue 5; until then it is refused
      // loudly rather than treated as done.
      return {
        async revoke() {
          throw new ConnectorError(`${system.name} uses the webhook connector, which is not built yet: revoke it by hand and record it.`);
        },
        async verify() {
          return { verified: false, evidence: {}, reason: "The webhook connector is not built yet." };
        },
      };
  }
}
