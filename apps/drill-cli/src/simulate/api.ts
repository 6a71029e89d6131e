/** A small REST client for the drill API (global fetch), enough for the simulation to act as drill control. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
  ) {
    const b = body as { message?: unknown; details?: { path?: string; message?: string }[] } | undefined;
    const details = Array.isArray(b?.details)
      ? b.details.map((d) => `${d.path ?? ''}: ${d.message ?? ''}`).join('; ')
      : '';
    const text = typeof b?.message === 'string' ? b.message : typeof body === 'string' ? body.slice(0, 200) : '';
    super(`${method} ${path} → ${status}${text ? ` ${text}` : ''}${details ? ` (${details})` : ''}`);
  }
}

export class DrillApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new Error(`${method} ${new URL(path, this.baseUrl).href}: ${cause ?? (e as Error).message}`, { cause: e });
    }
  }

  async request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.send(method, path, body, contentType);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
    }
    if (!res.ok) throw new ApiError(res.status, method, path, parsed);
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown, contentType?: string): Promise<T> {
    return this.request<T>('POST', path, body ?? {}, contentType);
  }

  /** A download (the AAR): the status and raw bytes, without throwing on 4xx so the caller can tell "not there yet". */
  async download(path: string): Promise<{ status: number; contentType: string; data: Buffer; text: () => string }> {
    const res = await this.send('GET', path);
    const data = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      data,
      text: () => data.toString('utf8'),
    };
  }
}
