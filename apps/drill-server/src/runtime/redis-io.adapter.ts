import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Cluster mode: socket.io rooms span replicas through Redis pub/sub, so a release on one replica reaches a
 * team connected to another (and serverSideEmit reaches every replica).
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly log = new Logger('redis-adapter');
  private pub?: Redis;
  private sub?: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super(app);
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
