import type { AddressInfo } from 'node:net';

export interface EmbeddedServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * Starts the drill server in this process, exactly as `npm start` builds it (createDrillApp), on a free port of
 * the loopback interface. Loaded lazily so that the other CLI commands never pay for Nest.
 */
export async function startEmbeddedServer(env: {
  databaseUrl: string;
  adminToken: string;
  logLevel: string;
}): Promise<EmbeddedServer> {
  const { createDrillApp } = await import('../../../drill-server/src/app.factory.js');
  const { app } = await createDrillApp({
    DATABASE_URL: env.databaseUrl,
    DRILL_ADMIN_TOKEN: env.adminToken,
    LOG_LEVEL: env.logLevel,
    PORT: '0',
    // Embedded means embedded: a REDIS_URL in the caller's shell must not turn the simulation into cluster mode.
    REDIS_URL: '',
    LOAD_SAMPLE_SCENARIOS: 'false',
    // The drill's time runs ×speed, so a bot's minute of reports is a person's hour: no per-minute report limit.
    REPORTS_PER_MINUTE: '0',
  });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
