import type { Role } from "@/db/schema";

/** The demo personas of DESIGN.md §1: seeded in demo mode, used by tests; emails are stable. */
export const PERSONAS = [
  {
    key: "olivia",
    name: "Olivia Owner",
    email: "olivia.owner@example.com",
    roles: ["member"],
    team: "Payments",
    manager: "maya",
  },
  {
    key: "omar",
    name: "Omar Owner",
    email: "omar.owner@example.com",
    roles: ["member"],
    team: "Payments",
    manager: "maya",
  },
  {
    key: "maya",
    name: "Maya Manager",
    email: "maya.manager@example.com",
    roles: ["manager"],
    team: "Payments",
    manager: null,
  },
  {
    key: "sam",
    name: "Sam Security",
    email: "sam.security@example.com",
    roles: ["security"],
    team: "Security",
    manager: null,
  },
  {
    key: "ari",
    name: "Ari Auditor",
    email: "ari.auditor@example.com",
    roles: ["auditor"],
    team: "Internal Audit",
    manager: null,
  },
  { key: "ada", name: "Ada Admin", email: "ada.admin@example.com", roles: ["admin"], team: "Platform", manager: null },
  {
    key: "dan",
    name: "Dan Departed",
    email: "dan.departed@example.com",
    roles: ["member"],
    team: "Payments",
    manager: "maya",
    departed: true,
  },
] as const satisfies readonly {
  key: string;
  name: string;
  email: string;
  roles: readonly Role[];
  team: string;
  manager: string | null;
  departed?: boolean;
}[];

export type PersonaKey = (typeof PERSONAS)[number]["key"];

export function persona(key: PersonaKey) {
  return PERSONAS.find((p) => p.key === key)!;
}
