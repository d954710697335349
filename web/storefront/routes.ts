// The reference storefront's pages: the one list both sides read. The app (main.tsx) renders a <Route> per entry, and
// the server (src/http/storefront.ts) answers 404 to any other path, still with the app's shell so the app shows its
// NotFound page: a search engine or link checker then sees a real 404, not a soft one. main.tsx maps every entry to
// its page with a Record keyed by StorefrontRoute, so a route added here without a page (or the reverse) fails tsc.
// The server imports this file: it must stay plain data and pure functions (no Solid, no DOM, no app imports).
export const STOREFRONT_ROUTES = ["/", "/products/:handle", "/cart", "/checkout", "/orders/:id"] as const;
export type StorefrontRoute = (typeof STOREFRONT_ROUTES)[number];

const PATTERNS = STOREFRONT_ROUTES.map((route) => route.split("/").filter(Boolean));

/**
 * Whether the app has a page at `pathname` (without its query string), matched as @solidjs/router matches
 * (createMatcher): one leading and one trailing slash tolerated, an empty segment inside the path (`/cart//`,
 * `/products//x`) never matches, static segments ignore case, a `:param` takes any one non-empty segment. Whether
 * that product or order exists is the API's to say; the app shows its NotFound page for one it does not know.
 */
export function isStorefrontRoute(pathname: string): boolean {
  const segments = pathname.split("/");
  if (segments[0] === "") segments.shift();
  if (segments.length && segments[segments.length - 1] === "") segments.pop();
  if (segments.includes("")) return false;
  return PATTERNS.some(
    (pattern) =>
      pattern.length === segments.length &&
      pattern.every((part, i) => part.startsWith(":") || part.toLowerCase() === segments[i]!.toLowerCase()),
  );
}
