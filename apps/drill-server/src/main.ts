import type { AddressInfo } from 'node:net';
import { ConfigError } from './config/drill-config.js';
import { createDrillApp } from './app.factory.js';
import { UsersService } from './auth/users.service.js';
import { startupBanner } from './common/logger.js';

async function main(): Promise<void> {
  const { app, config } = await createDrillApp();
  if (config.host) await app.listen(config.port, config.host);
  else await app.listen(config.port);
  // The port actually bound (PORT=0 picks a free one).
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.stdout.write(
    startupBanner({
      host: config.host,
      port,
      mode: config.redisUrl ? 'cluster (Redis)' : 'embedded',
      database: config.database.kind === 'sqlite' ? `SQLite ${config.database.path}` : 'PostgreSQL',
      firstController: app.get(UsersService).takeFirstController(),
    }),
  );
}

main().catch((e: unknown) => {
  // A bad setting is one clear line, not a stack trace.
  if (e instanceof ConfigError) process.stderr.write(`drill-server: invalid configuration: ${e.message}\n`);
  else
    process.stderr.write(`drill-server: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
