import {
  DRILL_NAMESPACE,
  type ClientToServerEvents,
  type HandshakeAuth,
  type ServerToClientEvents,
} from '@drill/contracts';
import type { io as connect, Socket } from 'socket.io-client';
import { session } from './session.js';

/** The live connection, typed by the wire contract in @drill/contracts. */
export type DrillSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// The socket.io client the server itself serves, so client and server are always the same release. A variable,
// so that esbuild leaves the import to the browser instead of bundling it.
const CLIENT_MODULE = '/socket.io/socket.io.esm.min.js';

export interface LiveOptions {
  /** Asked at every (re)connection, so the server replays only what this page has not seen. */
  lastSeq?: () => number;
  /** 'connected' | 'reconnecting…' | 'offline: …'. */
  onStatus?: (status: string) => void;
  /** Registers the page's handlers on the new socket, before it connects. */
  listen: (socket: DrillSocket) => void;
}

/** Connects to the drill's socket.io namespace. */
export async function connectLive(
  exerciseId: string,
  { lastSeq, onStatus, listen }: LiveOptions,
): Promise<DrillSocket> {
  const { io } = (await import(CLIENT_MODULE)) as { io: typeof connect };
  const socket: DrillSocket = io(DRILL_NAMESPACE, {
    auth: (cb) => {
      const seq = lastSeq?.();
      const auth: HandshakeAuth = {
        token: session.token ?? '',
        exerciseId,
        ...(seq !== undefined ? { lastSeq: seq } : {}),
      };
      cb(auth);
    },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let ended: string | undefined;
  socket.on('connect', () => onStatus?.('connected'));
  // The server closes the socket when its token is revoked or expires, saying why first; it does not come back.
  socket.on('session.ended', (e) => (ended = e?.reason ?? 'signed out'));
  socket.on('disconnect', (reason) =>
    onStatus?.(
      ended
        ? `offline: ${ended}; sign in again`
        : reason === 'io client disconnect' || reason === 'io server disconnect'
          ? 'offline'
          : 'reconnecting',
    ),
  );
  socket.on('connect_error', (e) => {
    onStatus?.(`reconnecting (${e.message})`);
    if (/unauthorized|forbidden/.test(e.message)) {
      socket.disconnect();
      onStatus?.(`offline: ${e.message}`);
    }
  });
  listen(socket);
  return socket;
}
