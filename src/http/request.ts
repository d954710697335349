// Per-request bookkeeping shared by the hooks and the access log: id, start time, resolved store.
// Kept in a WeakMap keyed by the Request so it works even for requests that fail before routing.
const META = new WeakMap<Request, RequestMeta>();

export interface RequestMeta {
  requestId: string;
  start: number;
  storeId?: string;
  status?: number;
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestMeta(request: Request): RequestMeta {
  let m = META.get(request);
  if (!m) {
    const incoming = request.headers.get("x-request-id");
    // A caller's id is kept when it is sane (so traces join up), otherwise we mint one.
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll("-", "")}`;
    m = { requestId, start: performance.now() };
    META.set(request, m);
  }
  return m;
}

/** The path of an absolute request URL, without building a URL object on the hot path. */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}
