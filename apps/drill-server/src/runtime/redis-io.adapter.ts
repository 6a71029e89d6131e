import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { DRILL_NAMESPACE, type ErrorBody } from '@drill/contracts';

/**
 * A browser says where the page came from; bots and the CLI send no Origin and are let through (their token is
 * what they are judged by).
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The `connect_error` of a socket on the main namespace, which serves nothing: it names the one that does. */
export function mainNamespaceRefusal(): Error & { data: ErrorBody } {
  const message = `namespace / serves nothing; connect to ${DRILL_NAMESPACE}`;
  return Object.assign(new Error(message), {
    data: {
      statusCode: 404,
      error: 'Not Found',
      message,
      details: [{ path: '/namespace', message: `must be ${DRILL_NAMESPACE}` }],
    },
  });
}

/**
 * socket.io with the deployment's origins: same origin only unless CORS_ORIGINS names others (the gateway's own
 * decorator cannot read configuration).
 */
export class DrillIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: readonly string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      cors: { origin: this.corsOrigins.length ? [...this.corsOrigins] : false },
      // CORS binds the polling transport only; browsers open WebSockets to any origin, so the Origin is checked here.
      allowRequest: (req, done) => done(null, originAllowed(req.headers.origin, req.headers.host, this.corsOrigins)),
    } as ServerOptions) as Server;
    // socket.io always has `/`: without this a socket there connects unauthenticated and waits for nothing forever.
    server.of('/').use((_socket, next) => next(mainNamespaceRefusal()));
    return server;
  }

  /**
   * One plain listener per message and socket. Nest's own binding builds an rxjs pipeline per message and socket
   * (fromEvent, mergeMap, defer, filter, map, catchError, takeUntil a shared disconnect stream): about 14 KiB of heap
   * per connected client with our four messages, more than socket.io itself keeps per client (`npm run bench --
   * memory`). What a handler gives back is handled as Nest does: an `{event, data}` is emitted, anything else
   * answers the ack unless the handler answers it itself (@Ack), nothing is sent for null/undefined, and an error
   * that got past the exception filters is logged rather than ending the listener.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]) as {
          data: unknown;
          ack?: (...reply: unknown[]) => void;
        };
        const reply = (response: unknown) => {
          if (response === null || response === undefined) return;
          const emitted = response as { event?: string; data?: unknown };
          if (emitted.event) socket.emit(emitted.event, emitted.data);
          else if (!isAckHandledManually && typeof ack === 'function') ack(response);
        };
        try {
          transform(callback(data, ack)).subscribe({ next: reply, error: (e: unknown) => this.logger.error(e) });
        } catch (e) {
          this.logger.error(e);
        }
      });
    }
  }
}

/**
 * Cluster mode: socket.io rooms span replicas through Redis pub/sub, so a release on one replica reaches a
 * team connected to another (and serverSideEmit reaches every replica).
 */
export class RedisIoAdapter extends DrillIoAdapter {
  private readonly log = new Logger('redis-adapter');
  private pub?: Redis;
  private sub?: Redis;

  constructor(
    app: INestApplicationContext,
    corsOrigins: readonly string[],
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super(app, corsOrigins);
  }

  async connect(): Promise<void> {
    this.pub = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    this.sub = this.pub.duplicate();
    await Promise.all([this.pub.connect(), this.sub.connect()]);
    // The adapter publishes without awaiting: while Redis is away (or after shutdown) a publish rejects, and an
    // unhandled rejection would end the process. A lost message is healed by the gateway's resync; say so and go on.
    const pub = this.pub;
    const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
    pub.publish = ((...args: unknown[]) => {
      const sent = publish(...args);
      sent.catch((e: unknown) => this.log.warn(`socket.io message not published: ${(e as Error).message}`));
      return sent;
    }) as typeof pub.publish;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.adapter(createAdapter(this.pub!, this.sub!, { key: `${this.prefix}:socket.io` }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.allSettled([this.pub?.quit(), this.sub?.quit()]);
  }
}
