import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
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
