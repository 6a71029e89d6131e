import { io, type Socket } from 'socket.io-client';

export interface ReceivedInject {
  exerciseId: string;
  injectId: string;
  seq: number;
  title: string;
  scenarioTime: string;
  releasedAt: string;
  receivedAt: number;
  [k: string]: unknown;
}

/** A real socket.io client of the /drill namespace that records every inject it is sent and acks it. */
export class DrillClient {
  readonly injects: ReceivedInject[] = [];
  readonly states: Record<string, unknown>[] = [];
  readonly events: { event: string; data: unknown }[] = [];
  socket!: Socket;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly exerciseId: string,
  ) {}

  get lastSeq(): number {
    return this.injects.reduce((m, i) => Math.max(m, i.seq), 0);
  }

  /** Resolves once connected (and rejects with the server's reason when the handshake is refused). */
  connect(lastSeq?: number): Promise<this> {
    this.socket = io(`${this.url}/drill`, {
      auth: { token: this.token, exerciseId: this.exerciseId, ...(lastSeq !== undefined ? { lastSeq } : {}) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket.on('inject', (p: ReceivedInject, ack?: () => void) => {
      this.injects.push({ ...p, receivedAt: Date.now() });
      ack?.();
    });
    this.socket.on('exercise.state', (s: Record<string, unknown>) => this.states.push(s));
    this.socket.onAny((event: string, data: unknown) => {
      if (event !== 'inject') this.events.push({ event, data });
    });
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve(this));
      this.socket.once('connect_error', (e: Error) => reject(e));
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
  }

  emitWithAck<T>(event: string, data: unknown): Promise<T> {
    return this.socket.timeout(5000).emitWithAck(event, data) as Promise<T>;
  }

  /** Waits until `predicate` holds (polling), failing after `ms`. */
  async waitFor(predicate: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
    const until = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > until)
        throw new Error(
          `timed out after ${ms} ms waiting for ${what}; got ${JSON.stringify(this.injects.map((i) => [i.seq, i.injectId]))}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}
