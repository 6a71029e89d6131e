import { io, type Socket } from 'socket.io-client';
import {
  DRILL_NAMESPACE,
  type ClientToServerEvents,
  type ExerciseStatePayload,
  type HandshakeAuth,
  type HandshakeRefusal,
  type InjectPayload,
  type ServerToClientEvents,
} from '@drill/contracts';

export type ReceivedInject = InjectPayload & { receivedAt: number; [k: string]: unknown };

/** Every server event but `inject` as it arrived, with its payload typed by the contract. */
export type ReceivedEvent = {
  [E in keyof ServerToClientEvents]: { event: E; data: Parameters<ServerToClientEvents[E]>[0] };
}[Exclude<keyof ServerToClientEvents, 'inject'>];

export type ClientEvent = keyof ClientToServerEvents;
/** What the server acknowledges a client event with (`{ok: true, …}` or `{error}`). */
export type AckOf<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** A real socket.io client of the /drill namespace that records every inject it is sent and acks it. */
export class DrillClient {
  readonly injects: ReceivedInject[] = [];
  readonly states: ExerciseStatePayload[] = [];
  readonly events: ReceivedEvent[] = [];
  socket!: Socket<ServerToClientEvents, ClientToServerEvents>;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly exerciseId: string,
  ) {}

  get lastSeq(): number {
    return this.injects.reduce((m, i) => Math.max(m, i.seq), 0);
  }

  /**
   * Resolves once connected, and rejects when the handshake is refused with the server's reason: `message`, and
   * the REST error body as `data`.
   */
  connect(lastSeq?: number): Promise<this> {
    const auth: HandshakeAuth = { token: this.token, exerciseId: this.exerciseId };
    if (lastSeq !== undefined) auth.lastSeq = lastSeq;
    this.socket = io(`${this.url}${DRILL_NAMESPACE}`, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket.on('inject', (p, ack) => {
      this.injects.push({ ...p, receivedAt: Date.now() });
      ack();
    });
    this.socket.on('exercise.state', (s) => this.states.push(s));
    // A console acknowledges a communications check on arrival (it reached them); confirming is a separate act.
    this.socket.on('comcheck', (_check, reached) => reached());
    this.socket.onAny((event: string, data: unknown) => {
      if (event !== 'inject') this.events.push({ event, data } as ReceivedEvent);
    });
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve(this));
      this.socket.once('connect_error', (e: HandshakeRefusal) => reject(e));
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
  }

  /**
   * Sends a client event and resolves with the server's acknowledgement, typed by the contract unless `T` says
   * otherwise. `data` is not checked against the contract: tests send malformed bodies on purpose.
   */
  emitWithAck<T = never, E extends ClientEvent = ClientEvent>(
    event: E,
    data: unknown,
  ): Promise<[T] extends [never] ? AckOf<E> : T> {
    const loose = this.socket.timeout(5000) as unknown as { emitWithAck(e: E, d: unknown): Promise<unknown> };
    return loose.emitWithAck(event, data) as Promise<[T] extends [never] ? AckOf<E> : T>;
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
