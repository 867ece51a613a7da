// The browser's door to lib/identities: what client components may import at run time. Nothing
// here touches the database (lib/identities/index.ts is the server's door).
export { DERIVED_STATES, DERIVED_STATE_LABELS } from "./derived-states";
export { riskBand } from "./risk-band";
