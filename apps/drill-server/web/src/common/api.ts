import type { FieldProblem } from '@drill/contracts';
import { session } from './session.js';

/** What an error response may say: the server's one error body, or whatever a proxy put in its place. */
interface ErrorLike {
  message?: unknown;
  details?: unknown;
}

export class ApiError extends Error {
  readonly details: FieldProblem[];

  constructor(
    readonly status: number,
    body: ErrorLike | null | undefined,
  ) {
    super(String(body?.message ?? `HTTP ${status}`));
    this.details = Array.isArray(body?.details) ? (body.details as FieldProblem[]) : [];
  }
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
  accept?: string;
}

/**
 * Calls the REST API with the session's bearer token; errors become ApiError with the server's message and
 * details. `T` is the shape the endpoint answers with (the server validates what it sends, not this client).
 */
export async function api<T = unknown>(
  path: string,
  { method = 'GET', body, token = session.token, accept = 'application/json' }: ApiOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { message: 'the server cannot be reached; check the connection and try again' });
  }
  const text = await res.text();
  let data: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      data = JSON.parse(text);
    } catch {
      /* not JSON after all */
    }
  }
  if (!res.ok) {
    if (res.status === 401 && token === session.token && !path.endsWith('/api/me')) {
      session.token = null;
      location.href = 'index.html?expired=1';
    }
    throw new ApiError(
      res.status,
      typeof data === 'object' ? (data as ErrorLike | null) : { message: text || res.statusText },
    );
  }
  return data as T;
}

/** An error as one line for people: the server's message and, when it named fields, what is wrong with each. */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const details = e.details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return details ? `${e.message} (${details})` : e.message;
}
