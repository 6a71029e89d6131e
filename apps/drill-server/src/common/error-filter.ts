import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { DrillError, RateLimited, type ErrorBody, type FieldProblem } from '@drill/contracts';

const STATUS_OF_KIND: Record<DrillError['kind'], number> = {
  invalid: HttpStatus.UNPROCESSABLE_ENTITY,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Errors raised by body parsers (malformed JSON, too large) carry `type` and `status`. */
function bodyParserError(e: unknown): ErrorBody | undefined {
  const err = e as { type?: string; status?: number; message?: string; limit?: number };
  if (err?.type === 'entity.parse.failed')
    return {
      statusCode: 400,
      error: REASON[400]!,
      message: `malformed request body: ${err.message}`,
      // The body as a whole is at fault; strict parsing also refuses a bare value such as 0 or "text".
      details: [{ path: '', message: `must be a JSON object or array: ${err.message}` }],
    };
  if (err?.type === 'entity.too.large') {
    return { statusCode: 413, error: REASON[413]!, message: `request body exceeds the limit of ${err.limit} bytes` };
  }
  if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
    return { statusCode: 415, error: REASON[415]!, message: err.message ?? 'unsupported encoding' };
  }
  return undefined;
}

/** Input that fails its DTO's checks (400), worded as the HTTP validation pipe words it. */
export function badRequest(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    message: problems.map((d) => `${d.path}: ${d.message}`).join('; ') || 'invalid request body',
    details: problems,
  });
}

/**
 * The only place where errors become the wire's error body, for HTTP responses and socket acknowledgements and
 * handshakes alike: every one has the same shape, and nothing of an unexpected error's internals leaks.
 */
export function toErrorBody(e: unknown): ErrorBody {
  if (e instanceof DrillError) {
    const statusCode = STATUS_OF_KIND[e.kind];
    return {
      statusCode,
      error: REASON[statusCode]!,
      message: e.message,
      ...(e.details?.length ? { details: e.details } : {}),
    };
  }
  // Nest's Express adapter wraps body-parser errors in an HttpException; the original, with its `type`, is the cause.
  const parsed = bodyParserError(e) ?? (e instanceof HttpException ? bodyParserError(e.cause) : undefined);
  if (parsed) return parsed;
  if (e instanceof HttpException) {
    const statusCode = e.getStatus();
    const r = e.getResponse();
    const body = typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {};
    const message =
      typeof r === 'string'
        ? r
        : Array.isArray(body.message)
          ? body.message.join('; ')
          : String(body.message ?? e.message);
    const details = Array.isArray(body.details) ? (body.details as FieldProblem[]) : undefined;
    return {
      statusCode,
      error: REASON[statusCode] ?? String(body.error ?? 'Error'),
      message,
      ...(details ? { details } : {}),
    };
  }
  return { statusCode: 500, error: REASON[500]!, message: 'internal error; it has been logged with the request id' };
}

@Catch()
export class DrillExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(e: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw e;
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(e);
    if (body.statusCode >= 500) this.log.error(e instanceof Error ? e : String(e));
    if (res.headersSent) return;
    if (e instanceof RateLimited) res.setHeader('Retry-After', String(e.retryAfterSeconds));
    res.status(body.statusCode).json(body);
  }
}
