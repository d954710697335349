// Permissions are `resource:action`. A credential holds a list of them; `*` and `resource:*` are wildcards.
// Every admin route declares the one it needs (see http/auth.ts); the identity module adds roles on top.

export const PERMISSIONS = [
  "settings:read",
  "settings:write",
  "api_keys:read",
  "api_keys:write",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const KNOWN = new Set<string>(PERMISSIONS);
const RESOURCES = new Set(PERMISSIONS.map((p) => p.split(":")[0]!));

export function isValidScope(scope: string): boolean {
  if (scope === "*" || KNOWN.has(scope)) return true;
  const [resource, action] = scope.split(":");
  return action === "*" && resource !== undefined && RESOURCES.has(resource);
}

export function grants(scopes: readonly string[], needed: string): boolean {
  const resource = needed.slice(0, needed.indexOf(":"));
  for (const s of scopes) {
    if (s === "*" || s === needed || s === `${resource}:*`) return true;
  }
  return false;
}
