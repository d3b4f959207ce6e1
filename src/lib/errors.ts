/**
 * Typed domain errors. Services throw these; `src/http/errors.ts` maps them to HTTP status codes in
 * one place. Every message says what the user should do next, in English, made with the `msg` tag
 * of `messages.ts` so that a page can show it in Welsh.
 */
import { msg } from "./messages.ts";

export interface FieldError {
  /** The form field or JSON property the error is about, e.g. `amount`. */
  field?: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: string;
  readonly details: readonly FieldError[];
  constructor(code: string, message: string, details: readonly FieldError[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Input that fails its format: 400. */
export class ValidationError extends DomainError {
  constructor(message: string, details: readonly FieldError[] = [], code = "validation_failed") {
    super(code, message, details);
  }
}

/** Not signed in: 401 (pages redirect to sign-in with 303). */
export class NotSignedInError extends DomainError {
  constructor(message = msg`Sign in to continue.`) {
    super("not_signed_in", message);
  }
}

/** Signed in but not allowed: 403. */
export class ForbiddenError extends DomainError {
  constructor(
    message = msg`You do not have permission to do this. Ask an administrator of your organisation.`,
    code = "forbidden",
  ) {
    super(code, message);
  }
}

/** Unknown, or belonging to a tenant the caller may not see: 404. */
export class NotFoundError extends DomainError {
  constructor(what = "page") {
    super("not_found", `The ${what} could not be found. Check the address or go back to the home page.`);
  }
}

/**
 * An action the current state forbids (deadline passed, standstill running): 409. With `details`,
 * the fields it is about (a row sent again with other content): a form shows them beside the fields.
 */
export class ConflictError extends DomainError {
  constructor(message: string, code = "conflict", details: readonly FieldError[] = []) {
    super(code, message, details);
  }
}

/** Well-formed input in an invalid combination (weights not summing to 100%): 422. */
export class UnprocessableError extends DomainError {
  constructor(message: string, details: readonly FieldError[] = [], code = "unprocessable") {
    super(code, message, details);
  }
}

/** Too many attempts in a short time (sign-in, emails): 429. Says when to try again. */
export class TooManyRequestsError extends DomainError {
  /** Seconds until another attempt may succeed, for the Retry-After header. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, code = "too_many_requests") {
    super(code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
