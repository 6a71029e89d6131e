// Fault injection for the runtime tests: the real DataSource, made to fail its transactions on demand (a dropped
// connection, a database restarting), and the real PostgreSQL and Redis servers of this machine, restarted.
import { execFileSync, execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { answers } from './services.js';
import { waitUntil } from './drill-client.js';

export interface TransactionFaults {
  /** Fail the next `n` transactions. */
  failNext(n: number): void;
  /**
   * Fail every transaction until `heal()`; with `spare`, those whose caller's stack it accepts go through (a test
   * that holds back the release passes while reports still arrive).
   */
  breakAll(spare?: (stack: string) => boolean): void;
  /** Hold every transaction back this long before it starts (a slow database); 0 = off. */
  slowDown(ms: number): void;
  heal(): void;
  /** How many transactions were failed so far. */
  readonly injected: number;
  restore(): void;
}

/** The stack of whoever opened a transaction, deep enough to reach the service (and its async callers). */
function callerStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack;
}

/** Makes `ds.transaction` fail as a lost connection does; everything else keeps working. */
export function faultyTransactions(ds: DataSource): TransactionFaults {
  const original = ds.transaction;
  let next = 0;
  let broken = false;
  let spared: ((stack: string) => boolean) | undefined;
  let injected = 0;
  let slowMs = 0;
  ds.transaction = function (this: DataSource, ...args: unknown[]) {
    if ((broken && !spared?.(callerStack())) || next > 0) {
      next = Math.max(0, next - 1);
      injected++;
      return Promise.reject(new Error('injected fault: Connection terminated unexpectedly'));
    }
    const run = () => (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    // Slow inside the transaction, where a slow database is slow: the work waits after it began.
    if (slowMs > 0) {
      const [first, second] = args as [unknown, unknown];
      const wrap =
        (work: (m: unknown) => Promise<unknown>) =>
        async (m: unknown): Promise<unknown> => {
          await new Promise((r) => setTimeout(r, slowMs));
          return work(m);
        };
      const wrapped =
        typeof first === 'function'
          ? [wrap(first as (m: unknown) => Promise<unknown>)]
          : [first, wrap(second as (m: unknown) => Promise<unknown>)];
      return (original as (...a: unknown[]) => Promise<unknown>).apply(this, wrapped);
    }
    return run();
  } as DataSource['transaction'];
  return {
    failNext: (n) => void (next = n),
    breakAll: (spare) => {
      broken = true;
      spared = spare;
    },
    slowDown: (ms) => void (slowMs = ms),
    heal: () => {
      broken = false;
      spared = undefined;
      next = 0;
    },
    get injected() {
      return injected;
    },
    restore: () => void (ds.transaction = original),
  };
}

/**
 * Restarts this machine's PostgreSQL cluster (every connection drops; the server is back within seconds). Needs
 * pg_ctlcluster and the right to run it: in CI a missing one is a failure, on a laptop the caller skips.
 */
export function restartPostgres(): void {
  const version = readdirSync('/etc/postgresql')[0];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version!, 'main', 'restart'], { stdio: 'pipe' });
}

export function canRestartServices(): boolean {
  try {
    execSync('command -v pg_ctlcluster && command -v redis-server && command -v redis-cli', { stdio: 'pipe' });
    return process.getuid?.() === 0 && readdirSync('/etc/postgresql').length > 0;
  } catch {
    return false;
  }
}

/**
 * Restarts the Redis server on 6379 the way .ci/run starts it (nothing kept on disk: every key, BullMQ's delayed
 * jobs included, is gone afterwards, as after a crash of a cache without persistence).
 */
export async function restartRedis(): Promise<void> {
  execFileSync('redis-cli', ['-p', '6379', 'shutdown', 'nosave'], { stdio: 'pipe' });
  await waitUntil(async () => !(await answers(6379)), 5000, 'Redis to stop');
  execFileSync(
    'redis-server',
    ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'pipe',
    },
  );
  await waitUntil(() => answers(6379), 10_000, 'Redis to start again');
}
