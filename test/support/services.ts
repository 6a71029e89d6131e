import { Socket } from 'node:net';

/** Whether something answers on host:port within a second. */
export function answers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * In CI a missing service is a failure, never a skip. On a laptop without it, the suite is skipped with a loud
 * message. Returns whether the suite should run.
 */
export async function requireService(name: string, port: number): Promise<boolean> {
  if (await answers(port)) return true;
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI but does not answer on 127.0.0.1:${port}`);
  console.warn(
    `\n!!! ${name} does not answer on 127.0.0.1:${port}: SKIPPING the tests that need it (they run in CI) !!!\n`,
  );
  return false;
}
