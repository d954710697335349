// One error model for the whole server. Expected business outcomes are thrown as AppError subclasses with a
// stable `reason`; the HTTP layer maps them to the API.md envelope. Anything else is an unexpected failure and
// is reported as INTERNAL with no detail (the log keeps the detail, the client never sees a stack, SQL or body).

export type ErrorCode =
  | "VALIDATION"
  | "MALFORMED_JSON"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYMENT_FAILED"
  | "RATE_LIMITED"
  | "PAYLOAD_TOO_LARGE"
  | "INTERNAL"
  | "UNAVAILABLE";

export const statusOf: Record<ErrorCode, number> = {
  VALIDATION: 422,
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYMENT_FAILED: 402,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly reason: string;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, reason: string, message: string, details?: ErrorDetails) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

export class NotFound extends AppError {
  constructor(resource: string, id?: string) {
    // The id is the caller's own input, echoed only as an identifier, never a body.
    super("NOT_FOUND", `${resource}.not_found`, `${capitalize(resource)} not found`, id ? { id } : undefined);
  }
}

export class Unauthorized extends AppError {
  constructor(reason: string, message: string) {
    super("UNAUTHORIZED", reason, message);
  }
}

export class Forbidden extends AppError {
  constructor(permission: string) {
    super("FORBIDDEN", "auth.missing_permission", `This credential lacks the permission "${permission}"`, {
      permission,
    });
  }
}

export class Conflict extends AppError {
  constructor(reason: string, message: string, details?: ErrorDetails) {
    super("CONFLICT", reason, message, details);
  }
}

export class ValidationFailed extends AppError {
  constructor(reason: string, message: string, details?: ErrorDetails) {
    super("VALIDATION", reason, message, details);
  }
}

export class Unavailable extends AppError {
  constructor(reason: string, message: string) {
    super("UNAVAILABLE", reason, message);
  }
}

function capitalize(s: string): string {
  const words = s.replace(/[_-]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
