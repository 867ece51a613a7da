// Ports of the end-to-end servers; E2E_PORT_BASE moves them all (two runs side by side).
const base = Number(process.env.E2E_PORT_BASE ?? 3100);

export const APP_PORT = base;
export const NO_DEMO_PORT = base + 1;
export const OIDC_PORT = base + 99;
export const APP_URL = `http://localhost:${APP_PORT}`;
export const NO_DEMO_URL = `http://localhost:${NO_DEMO_PORT}`;
export const OIDC_ISSUER = `http://localhost:${OIDC_PORT}`;
