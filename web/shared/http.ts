// What the dashboard's and the storefront's HTTP clients share: the API's error envelope as an ApiError (the stable
// `reason` for wording, the request id to quote), query strings, and reading an answer. Each app adds its own
// headers (session and CSRF, or the publishable key) and its own words for the reasons.

export interface Envelope {
  error: { code: string; reason: string; message: string; requestId: string; details?: Record<string, unknown> };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
    message: string,
    readonly requestId: string | null,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** The parsed JSON of a 2xx answer; otherwise an ApiError from the envelope (or from the status alone). */
export async function readAnswer<T>(res: Response): Promise<T> {
  const requestId = res.headers.get("x-request-id");
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    /* a non-JSON body (a proxy's error page) is reported below by its status */
  }
  if (!res.ok) {
    const env = (data as Envelope | null)?.error;
    throw env
      ? new ApiError(res.status, env.code, env.reason, env.message, env.requestId || requestId, env.details)
      : new ApiError(res.status, "HTTP", res.status === 429 ? "rate_limit.exceeded" : "internal", `HTTP ${res.status}`, requestId, undefined);
  }
  return data as T;
}
