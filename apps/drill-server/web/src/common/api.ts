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
  /** Sends `body` as it is with this media type (YAML text) rather than as JSON; a FormData body always goes as it is. */
  contentType?: string;
  /** Answers a successful response as a Blob (a PDF, say) instead of text or JSON; errors stay ApiError. */
  binary?: boolean;
}

/**
 * Calls the REST API with the session's bearer token; errors become ApiError with the server's message and
 * details. `T` is the shape the endpoint answers with (the server validates what it sends, not this client).
 */
export async function api<T = unknown>(
  path: string,
  { method = 'GET', body, token = session.token, accept = 'application/json', contentType, binary }: ApiOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  // A FormData body gets its multipart type, boundary included, from the browser.
  const asIs = body instanceof FormData || contentType !== undefined;
  if (body !== undefined && !(body instanceof FormData)) headers['Content-Type'] = contentType ?? 'application/json';
  let res: Response;
  try {
    const payload = body === undefined ? undefined : asIs ? (body as BodyInit) : JSON.stringify(body);
    res = await fetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, { message: 'the server cannot be reached; check the connection and try again' });
  }
  if (binary && res.ok) return (await res.blob()) as T;
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
