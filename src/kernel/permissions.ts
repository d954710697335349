// Permissions are `resource:action`. A credential holds a list of them; `*` and `resource:*` are wildcards.
// Every admin route declares the one it needs (see http/auth.ts); the identity module adds roles on top.

export const PERMISSIONS = [
  "settings:read",
  "settings:write",
  "api_keys:read",
  "api_keys:write",
  "members:read",
  "members:write",
  "roles:read",
  "audit_log:read",
  "ownership:transfer",
  "products:read",
  "products:write",
  "categories:read",
  "categories:write",
  "collections:read",
  "collections:write",
  "flags:read",
  "flags:write",
  "taxes:read",
  "taxes:write",
  "inventory:read",
  "inventory:write",
  "shipping:read",
  "shipping:write",
  "jobs:read",
  "jobs:write",
  "webhooks:read",
  "webhooks:write",
  "emails:read",
  "emails:write",
  "payments:read",
  "payments:write",
  "orders:read",
  "orders:write",
  "returns:write",
  "customers:read",
  "customers:write",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const KNOWN = new Set<string>(PERMISSIONS);
const RESOURCES = new Set(PERMISSIONS.map((p) => p.split(":")[0]!));

export function isValidScope(scope: string): boolean {
  if (scope === "*" || KNOWN.has(scope)) return true;
  const [resource, action] = scope.split(":");
  return action === "*" && resource !== undefined && RESOURCES.has(resource);
}

/** Whether an actor holds a permission (a route's own is checked by the permission macro; this is for parts of an answer). */
export function actorHolds(actor: { type: string; scopes?: readonly string[]; permissions?: readonly string[] }, needed: Permission): boolean {
  const held = actor.type === "key" ? actor.scopes ?? [] : actor.type === "user" ? actor.permissions ?? [] : [];
  return grants(held, needed);
}

export function grants(scopes: readonly string[], needed: string): boolean {
  const resource = needed.slice(0, needed.indexOf(":"));
  for (const s of scopes) {
    if (s === "*" || s === needed || s === `${resource}:*`) return true;
  }
  return false;
}

// ── Role templates (issue 5, PRD "RBAC Matrix") ─────────────────────────────────────────────────────────────────
// A role grants permissions by PATTERN, not by list, so a permission appended to PERMISSIONS by a new module is
// covered sensibly without touching this file: a new `refunds:read` reaches every role that reads, a new
// `fraud:write` reaches the Risk Manager. Exclusions win over inclusions. Patterns: `*`, `resource:*`,
// `*:action`, `resource:action`.
//
// | role             | includes                                                        | excludes                                  |
// |------------------|-----------------------------------------------------------------|-------------------------------------------|
// | owner            | *                                                               | — (fixed, no overrides)                   |
// | admin            | *                                                               | ownership:*, billing:*                    |
// | operator         | *:read, orders:*, fulfillments:*, returns:*, customers:*, inventory:* | api_keys:*, members:*, roles:*, audit_log:*, privacy:*, billing:*, ownership:*, webhooks:* |
// | viewer           | *:read                                                          | api_keys:*, audit_log:*, privacy:*, billing:* |
// | risk_manager     | fraud:*, risk:*, disputes:*, chargebacks:*, orders:read, payments:read, refunds:read, customers:read, audit_log:read | — |
// | privacy_manager  | privacy:*, consents:*, customers:read, orders:read, audit_log:read | —                                      |

export const ROLES = ["owner", "admin", "operator", "viewer", "risk_manager", "privacy_manager"] as const;
export type Role = (typeof ROLES)[number];

export interface RoleTemplate {
  name: string;
  description: string;
  include: readonly string[];
  exclude: readonly string[];
  /** Owner is fixed: its permissions cannot be overridden per membership. */
  overridable: boolean;
}

const SENSITIVE = ["api_keys:*", "members:*", "roles:*", "audit_log:*", "privacy:*", "billing:*", "ownership:*", "webhooks:*"];

export const ROLE_TEMPLATES: Record<Role, RoleTemplate> = {
  owner: { name: "Owner", description: "Full access, billing and ownership transfer", include: ["*"], exclude: [], overridable: false },
  admin: { name: "Admin", description: "Store management, orders, catalog, users", include: ["*"], exclude: ["ownership:*", "billing:*"], overridable: true },
  operator: {
    name: "Operator",
    description: "Orders, fulfillment, customer service; reads the rest of the store",
    include: ["*:read", "orders:*", "fulfillments:*", "returns:*", "customers:*", "inventory:*"],
    exclude: SENSITIVE,
    overridable: true,
  },
  viewer: { name: "Viewer", description: "Read-only access to the dashboard", include: ["*:read"], exclude: ["api_keys:*", "audit_log:*", "privacy:*", "billing:*"], overridable: true },
  risk_manager: {
    name: "Risk Manager",
    description: "Fraud rules and chargeback handling",
    include: ["fraud:*", "risk:*", "disputes:*", "chargebacks:*", "orders:read", "payments:read", "refunds:read", "customers:read", "audit_log:read"],
    exclude: [],
    overridable: true,
  },
  privacy_manager: {
    name: "Privacy Manager",
    description: "GDPR console, consent, data export",
    include: ["privacy:*", "consents:*", "customers:read", "orders:read", "audit_log:read"],
    exclude: [],
    overridable: true,
  },
};

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Does a role pattern (`*`, `res:*`, `*:act`, `res:act`) cover this concrete permission? */
export function patternMatches(pattern: string, permission: string): boolean {
  if (pattern === "*" || pattern === permission) return true;
  const [pr, pa] = pattern.split(":");
  const [r, a] = permission.split(":");
  return (pr === "*" || pr === r) && (pa === "*" || pa === a);
}

export interface Overrides {
  grant: string[];
  revoke: string[];
}

/**
 * The concrete permissions of a membership, resolved against today's PERMISSIONS. Owner answers `["*"]` so it
 * also holds permissions added later. Overrides: grants are added, then revokes removed (revoke wins).
 */
export function effectivePermissions(role: Role, overrides?: Overrides | null): string[] {
  const tpl = ROLE_TEMPLATES[role];
  if (!tpl.overridable) return ["*"];
  const out = new Set<string>();
  for (const p of PERMISSIONS) {
    if (tpl.include.some((i) => patternMatches(i, p)) && !tpl.exclude.some((x) => patternMatches(x, p))) out.add(p);
  }
  for (const g of overrides?.grant ?? []) for (const p of PERMISSIONS) if (patternMatches(g, p)) out.add(p);
  for (const r of overrides?.revoke ?? []) for (const p of [...out]) if (patternMatches(r, p)) out.delete(p);
  return [...out].sort();
}

/** True when `holder` covers every permission in `wanted` (used to stop privilege escalation). */
export function coversAll(holder: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((w) => grants(holder, w));
}

/** True when `holder` covers everything a requested scope (`*`, `res:*` or `res:act`) would grant. */
export function scopeWithin(holder: readonly string[], scope: string): boolean {
  if (scope === "*") return holder.includes("*");
  return coversAll(holder, PERMISSIONS.filter((p) => patternMatches(scope, p)));
}
