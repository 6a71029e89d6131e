import type { NextFunction, Request, Response } from 'express';
import { nestsDeeperThan, TOO_DEEP } from './validation.js';
import type { ErrorBody } from '@drill/contracts';

// The consoles load only their own scripts and styles, talk only to their own origin, and are never framed.
// Inline style attributes stay allowed: the consoles set a few, and a style cannot run code.
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// Swagger UI (/api/docs) ships an inline bootstrap script and styles of its own.
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every response; a route may set a stricter CSP of its own (the AAR does). */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', req.path.startsWith('/api/docs') ? DOCS_CSP : CONSOLE_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
}

/** Query parameters that would carry a credential; a URL ends up in access logs, proxies and browser history. */
export const CREDENTIAL_PARAMS = ['token', 'access_token', 'bearer', 'api_key'] as const;

export function credentialParamIn(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const params = new URLSearchParams(url.slice(q + 1));
  return CREDENTIAL_PARAMS.find((p) => params.has(p));
}

/** The URL with every credential parameter's value replaced, for logs. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const found = CREDENTIAL_PARAMS.filter((p) => params.has(p));
  if (!found.length) return url;
  for (const p of found) params.set(p, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

function send(res: Response, body: ErrorBody): void {
  res.status(body.statusCode).json(body);
}

/** Refuses a credential in the query string, before any route sees it. */
export function refuseCredentialsInUrl(req: Request, res: Response, next: NextFunction): void {
  const param = credentialParamIn(req.originalUrl ?? req.url);
  if (!param) return next();
  send(res, {
    statusCode: 400,
    error: 'Bad Request',
    message: `a token in the URL ends up in logs and browser history; send it as "Authorization: Bearer <token>"`,
    details: [{ path: `/query/${param}`, message: 'credentials are not accepted in the URL' }],
  });
}

/** A JSON body nested deeper than any drill document is refused before recursive code (validation) sees it. */
export function refuseDeepBodies(req: Request, res: Response, next: NextFunction): void {
  if (typeof req.body !== 'object' || req.body === null || !nestsDeeperThan(req.body)) return next();
  send(res, {
    statusCode: 400,
    error: 'Bad Request',
    message: `the request body ${TOO_DEEP.message}`,
    details: [TOO_DEEP],
  });
}
