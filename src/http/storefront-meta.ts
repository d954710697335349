// Shared by the storefront build (src/tools/build-web.ts), the server (storefront.ts) and the app
// (web/storefront/lib/api.ts): how the store's publishable key travels into the page. A <meta> tag, not an inline
// script, so the storefront's CSP can forbid inline scripts.
export const KEY_META = "trafi-publishable-key";
/** Written by the build where the key goes; replaced by the server on every answer of index.html. */
export const KEY_PLACEHOLDER = "__TRAFI_PUBLISHABLE_KEY__";
