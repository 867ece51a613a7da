import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium here; on a laptop, `npx playwright install chromium` and unset this.
const executablePath =
  process.env.STEWARD_CHROMIUM ?? (process.env.PLAYWRIGHT_BROWSERS_PATH ? undefined : "/usr/bin/chromium");

import { APP_PORT, APP_URL, NO_DEMO_PORT, NO_DEMO_URL, OIDC_ISSUER, OIDC_PORT } from "./e2e/support/urls";

const common = {
  // The lifecycle jobs would change the seeded estate under the tests (expiring, reassigning):
  // they have their own tests, so the app under test does not schedule them.
  STEWARD_JOBS: "off",
  // Time is moved and jobs are run by the tests themselves (app/api/test/*), never slept through.
  STEWARD_TEST_CONTROL: "1",
  AUTH_SECRET: "e2e-secret-0123456789abcdef0123456789abcdef",
  AUTH_OIDC_ISSUER: OIDC_ISSUER,
  AUTH_OIDC_CLIENT_ID: "steward-e2e",
  AUTH_OIDC_CLIENT_SECRET: "steward-e2e-secret-with-enough-entropy",
  AUTH_OIDC_NAME: "Test IdP",
  STEWARD_ADMIN_EMAILS: "root.admin@example.com",
};

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: APP_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: [
    ...(process.env.E2E_NO_OIDC
      ? []
      : [
          {
            command: "node e2e/support/oidc-provider.mjs",
            url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
            env: {
              OIDC_PORT: String(OIDC_PORT),
              OIDC_REDIRECT_URIS: `${APP_URL}/api/auth/callback/oidc,${NO_DEMO_URL}/api/auth/callback/oidc`,
            },
            reuseExistingServer: false,
            timeout: 60_000,
          },
        ]),
    {
      command: `node e2e/support/serve.mjs main-${APP_PORT}`,
      url: `${APP_URL}/api/health`,
      env: { ...common, PORT: String(APP_PORT), STEWARD_DEMO: "1", AUTH_URL: APP_URL },
      reuseExistingServer: false,
      timeout: 180_000,
    },
    {
      command: `node e2e/support/serve.mjs nodemo-${NO_DEMO_PORT}`,
      url: `${NO_DEMO_URL}/api/health`,
      env: { ...common, PORT: String(NO_DEMO_PORT), STEWARD_DEMO: "0", AUTH_URL: NO_DEMO_URL },
      reuseExistingServer: false,
      timeout: 180_000,
    },
  ],
});
