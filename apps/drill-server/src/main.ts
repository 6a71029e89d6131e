import { ConfigError } from './config/drill-config.js';
import { createDrillApp } from './app.factory.js';

async function main(): Promise<void> {
  const { app, config } = await createDrillApp();
  if (config.host) await app.listen(config.port, config.host);
  else await app.listen(config.port);
  const mode = config.redisUrl ? 'cluster (Redis)' : 'embedded';
  const db = config.database.kind === 'sqlite' ? `SQLite ${config.database.path}` : 'PostgreSQL';
  process.stdout.write(
    `drill-server listening on http://localhost:${config.port} — ${mode}, ${db}; API docs at /api/docs\n`,
  );
}

main().catch((e: unknown) => {
  // A bad setting is one clear line, not a stack trace.
  if (e instanceof ConfigError) process.stderr.write(`drill-server: invalid configuration: ${e.message}\n`);
  else
    process.stderr.write(`drill-server: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
