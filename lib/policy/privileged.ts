/**
 * The one rule for "privileged", used wherever a grant enters Steward: requests (policy's stages),
 * discovery and imports. A grant is privileged when what it grants (the resource: a role such as
 * `rds_superuser`, an `ACCOUNTADMIN` object) or how (the permission: `OWNER`, `contents:write`)
 * matches one of policy's patterns, or either is a wildcard. Judging only one side let the same
 * membership be standard through a request and privileged through discovery.
 */
export type GrantShape = { resource: string; permission: string };

export function isPrivilegedGrant(grant: GrantShape, patterns: readonly string[]): boolean {
  return matchesPrivileged(grant.permission, patterns) || matchesPrivileged(grant.resource, patterns);
}

/**
 * Whether one name is privileged: a wildcard (a name containing `*`, such as `s3:*`) always is;
 * otherwise when it matches one of the case-insensitive patterns (`*` matches any run of characters).
 */
export function matchesPrivileged(name: string, patterns: readonly string[]): boolean {
  const p = name.trim().toLowerCase();
  if (p.includes("*")) return true;
  return patterns.some((pattern) => {
    const re = new RegExp(
      `^${pattern
        .toLowerCase()
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    return re.test(p);
  });
}
