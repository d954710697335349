// The error envelope of API.md, built in one place. Nothing from the request body, no stack, no `cause` and no
// SQL ever reaches a client: validation issues keep only the field path and the rule that failed.
import { AppError, statusOf, type ErrorCode } from "../kernel/errors.ts";

export interface Envelope {
  error: {
    code: Exclude<ErrorCode, "MALFORMED_JSON"> | "VALIDATION";
    reason: string;
    message: string;
    details?: Record<string, unknown>;
    requestId: string;
  };
}

export function envelope(
  status: number,
  code: ErrorCode,
  reason: string,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
  headers?: Record<string, string>,
): Response {
  // Malformed JSON is a validation problem with its own status (400), per API.md.
  const wireCode = code === "MALFORMED_JSON" ? "VALIDATION" : code;
  const body: Envelope = { error: { code: wireCode as Envelope["error"]["code"], reason, message, requestId } };
  if (details && Object.keys(details).length > 0) body.error.details = details;
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId, ...headers },
  });
}

export function fromAppError(e: AppError, requestId: string): Response {
  return envelope(statusOf[e.code], e.code, e.reason, e.message, requestId, e.details);
}

export interface Issue {
  path: string;
  message: string;
}

/** Reduces Elysia/TypeBox validation errors to path + rule, dropping the submitted values. */
export function validationIssues(error: unknown): Issue[] {
  const all = (error as { all?: unknown }).all;
  const list = Array.isArray(all) ? all : [];
  const issues: Issue[] = [];
  for (const item of list.slice(0, 20)) {
    if (!item || typeof item !== "object") continue;
    const rec = item as { path?: unknown; message?: unknown; summary?: unknown };
    const path = typeof rec.path === "string" && rec.path !== "" ? safePath(rec.path) : "/";
    // TypeBox messages describe the rule ("Expected string"); they never include the value.
    const message = typeof rec.message === "string" ? rec.message : "Invalid value";
    issues.push({ path, message });
  }
  return issues;
}

/** A JSON pointer with only identifier-like segments; anything else (a caller's arbitrary key) becomes "*". */
function safePath(path: string): string {
  return path
    .split("/")
    .map((seg, i) => (i === 0 || /^[A-Za-z_][A-Za-z0-9_]{0,63}$|^\d{1,6}$/.test(seg) ? seg : "*"))
    .join("/");
}
