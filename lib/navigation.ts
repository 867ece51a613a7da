import { type Actor, canManagePeople, canReadAuditLog } from "@/lib/auth";
import { canReadPolicySettings } from "@/lib/policy";
import { canReadSystems } from "@/lib/systems";
import { canImport } from "@/lib/importers";

export type NavItem = { href: string; label: string };

// Only pages that exist, and only those the actor may use: the pages check again on their own.
const ITEMS: { href: string; label: string; visible: (a: Actor) => boolean }[] = [
  { href: "/", label: "Overview", visible: () => true },
  { href: "/identities", label: "Identities", visible: () => true },
  { href: "/requests", label: "Requests", visible: () => true },
  { href: "/reviews", label: "Reviews", visible: () => true },
  { href: "/break-glass", label: "Break-glass", visible: () => true },
  { href: "/revocations", label: "Revocations", visible: () => true },
  { href: "/audit", label: "Audit log", visible: canReadAuditLog },
  { href: "/people", label: "People", visible: canManagePeople },
  { href: "/systems", label: "Systems", visible: canReadSystems },
  { href: "/settings", label: "Settings", visible: canReadPolicySettings },
  { href: "/import", label: "Import", visible: canImport },
  { href: "/tokens", label: "API tokens", visible: () => true },
];

export function navigationFor(actor: Actor): NavItem[] {
  return ITEMS.filter((i) => i.visible(actor)).map(({ href, label }) => ({ href, label }));
}
