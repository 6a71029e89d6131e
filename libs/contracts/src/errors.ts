/** A problem with one field of what a user submitted; `path` is a JSON path such as `/injects/3/offset`. */
export interface FieldProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * The one error body of the wire: every REST error response, every refused socket acknowledgement (`{error: …}`)
 * and every refused socket handshake (`connect_error`'s `data`) has this shape.
 */
export interface ErrorBody {
  statusCode: number;
  /** The HTTP reason phrase of `statusCode`, e.g. "Not Found". */
  error: string;
  message: string;
  details?: FieldProblem[];
}

/** Base of errors the domain raises on purpose; the HTTP edge maps each subclass to one status code. */
export abstract class DrillError extends Error {
  abstract readonly kind: 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'rate-limited';
  constructor(
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Well-formed input that breaks a domain rule (HTTP 422). */
export class ValidationFailed extends DrillError {
  readonly kind = 'invalid' as const;
}
export class NotFound extends DrillError {
  readonly kind = 'not-found' as const;
}
/** The request is valid but the current state forbids it, e.g. pausing a completed exercise (HTTP 409). */
export class Conflict extends DrillError {
  readonly kind = 'conflict' as const;
}
export class Forbidden extends DrillError {
  readonly kind = 'forbidden' as const;
}
export class Unauthenticated extends DrillError {
  readonly kind = 'unauthenticated' as const;
}
/** Too many attempts in a short time (HTTP 429); the client may try again after `retryAfterSeconds`. */
export class RateLimited extends DrillError {
  readonly kind = 'rate-limited' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
