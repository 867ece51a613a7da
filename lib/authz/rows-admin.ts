import { allowedTo, type MatrixRow } from "./matrix-types";

// The matrix's rows for administration: policy settings, systems and people.

export const ADMIN_ROWS: readonly MatrixRow[] = [
  // Policy settings (lib/policy).
  {
    fn: "changePolicySetting",
    file: "lib/policy/settings-admin.ts",
    does: "Changes one of policy's tunable numbers: security only.",
    cells: allowedTo("security"),
  },

  // Systems (lib/systems).
  {
    fn: "configureConnector",
    file: "lib/systems/systems.ts",
    does: "Sets a system's connector and its settings (secrets stored, never shown): admins only.",
    cells: allowedTo("admin"),
  },
  {
    fn: "setSystemEnvironment",
    file: "lib/systems/systems.ts",
    does: "Sets a system's environment (production, staging, development); its identities move with it: admins only.",
    cells: allowedTo("admin"),
  },
  {
    fn: "retireSystem",
    file: "lib/systems/retire.ts",
    does: "Retires a system and asks for the revocation of every live identity in it: admins only.",
    cells: allowedTo("admin"),
  },
  {
    fn: "discoverSystem",
    file: "lib/systems/discover.ts",
    does: "Reads a system's accounts through its connector and adds the new ones as discovered identities: admins and security.",
    cells: allowedTo("security", "admin"),
  },

  // People (lib/people).
  {
    fn: "setPersonRoles",
    variant: "another person",
    file: "lib/people/people.ts",
    does: "Changes another person's roles: admins only.",
    cells: allowedTo("admin"),
  },
  {
    fn: "setPersonRoles",
    variant: "oneself, adding security",
    file: "lib/people/people.ts",
    does: "Grants oneself the security role: nobody (separation of duties: not even an admin).",
    cells: allowedTo(),
  },
  {
    fn: "setPersonStatus",
    file: "lib/people/people.ts",
    does: "Marks another person as departed (their identities become orphans): admins only.",
    cells: allowedTo("admin"),
  },
];
