// The one HTTP client of the dashboard: same-origin fetch with the session cookie, the CSRF token on every write,
// the chosen store in x-trafi-store, and the API's error envelope turned into an ApiError whose message is meant
// for a merchant (switching on the stable `reason`), keeping the request id to quote in a support ticket.

import { ApiError, readAnswer, withQuery, type Query } from "../../shared/http.ts";

export { ApiError, type Envelope, type Query } from "../../shared/http.ts";

/** Merchant-facing wording for the reasons a person can act on; anything else keeps the server's message. */
const MESSAGES: Record<string, string> = {
  "auth.invalid_credentials": "E-mail or password is wrong.",
  "auth.invalid_session": "Your session has ended. Log in again.",
  "auth.csrf": "This page is out of date. Reload it and try again.",
  "auth.too_many_attempts": "Too many attempts. Wait a moment before trying again.",
  "auth.no_store": "Your account is not a member of any store yet.",
  "rate_limit.exceeded": "Too many requests. Wait a moment and retry.",
  "request.invalid": "Some fields are not valid. Check them and try again.",
  "internal": "Something went wrong on our side. Quote the request id if you contact support.",
  "network": "The server could not be reached. Check your connection and retry.",
  "product.handle_taken": "Another product already uses this handle.",
  "auth.reset_token_invalid": "This reset link is invalid or has expired. Ask for a new one.",
  "members.last_owner": "A store must keep at least one Owner.",
};

export function describe(e: unknown): string {
  if (e instanceof ApiError) return MESSAGES[e.reason] ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

let csrfToken: string | null = null;
let storeId: string | null = null;
let onUnauthorized: (() => void) | null = null;

export const session = {
  setCsrf(t: string | null) {
    csrfToken = t;
  },
  setStore(id: string | null) {
    storeId = id;
  },
  onUnauthorized(fn: () => void) {
    onUnauthorized = fn;
  },
};


export interface RequestOptions {
  query?: Query;
  json?: unknown;
  form?: FormData;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  if (storeId && path.startsWith("/v1/admin/")) headers["x-trafi-store"] = storeId;
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.form) body = opts.form;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: "same-origin", signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "NETWORK", "network", "The server could not be reached", null, undefined);
  }
  try {
    return await readAnswer<T>(res);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && !path.startsWith("/v1/auth/login")) onUnauthorized?.();
    throw err;
  }
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>("GET", path, { query, signal }),
  post: <T>(path: string, json?: unknown) => request<T>("POST", path, { json: json ?? {} }),
  postEmpty: <T>(path: string) => request<T>("POST", path, {}),
  upload: <T>(path: string, form: FormData) => request<T>("POST", path, { form }),
  patch: <T>(path: string, json: unknown) => request<T>("PATCH", path, { json }),
  put: <T>(path: string, json: unknown) => request<T>("PUT", path, { json }),
  del: <T>(path: string) => request<T>("DELETE", path),
};

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
