/**
 * The server's settings, read from the environment and validated once at start-up. Every setting has a default
 * that works in embedded mode (SQLite file, in-process scheduler), so `npm start` needs no configuration.
 */
export type DatabaseSetting =
  | { kind: 'sqlite'; path: string } // path ':memory:' for an in-memory database
  | { kind: 'postgres'; url: string };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DrillConfig {
  port: number;
  database: DatabaseSetting;
  redisUrl?: string;
  redisPrefix: string;
  logLevel: LogLevel;
  adminToken?: string;
  bodyLimitBytes: number;
  loadSampleScenarios: boolean;
  /** How often each replica re-reads its team sockets' sequence numbers and sends what a lost announcement left out. */
  resyncIntervalMs: number;
  /** How often any replica looks for running exercises with overdue unreleased injects or a missing wake-up. */
  sweepIntervalMs: number;
  /** Test hook only: SIGKILL the process right after the release of this inject id commits, before announcing it. */
  testKillAfterRelease?: string;
  /** Address the HTTP server binds to; undefined = every interface. */
  host?: string;
  /** Origins allowed to call the API and open sockets from another site; empty = same origin only. */
  corsOrigins: readonly string[];
  /** A token Prometheus may present for /metrics (besides any controller's). */
  metricsToken?: string;
  /** Failed sign-ins per minute allowed per client address and per token prefix; 0 = unlimited. */
  authFailuresPerMinute: number;
  /** Reports per minute allowed per user; 0 = unlimited. */
  reportsPerMinute: number;
  /** Express's `trust proxy` value when a reverse proxy sits in front (client addresses from X-Forwarded-For). */
  trustProxy?: string;
  /** The Chromium that prints the AAR as PDF; undefined = the first of CHROMIUM_CANDIDATES that exists. */
  chromiumPath?: string;
}

/** Where Chromium is looked for when DRILL_CHROMIUM_PATH is unset (Debian/Ubuntu packages, Google's build). */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
] as const;

export class ConfigError extends Error {}

const code = (s: string) => `\`${s}\``;

/**
 * Each setting: its environment name, default, and what it means. README.md's configuration table is written from
 * this by scripts/config-table.mjs, and settings-table.spec.ts fails when the README no longer holds what it writes.
 */
export const SETTINGS = {
  PORT: { default: '3000', help: 'HTTP and socket.io port' },
  DATABASE_URL: {
    default: 'sqlite:./data/drill.sqlite',
    help: '`sqlite:PATH`, `sqlite::memory:` or `postgres://user@host:5432/db`',
  },
  REDIS_URL: {
    default: '',
    help: 'unset = embedded mode; `redis://127.0.0.1:6379` = cluster mode (BullMQ scheduler, socket.io Redis adapter)',
  },
  REDIS_PREFIX: {
    default: 'drill',
    help: 'prefix of every Redis key (BullMQ queue, socket.io channels); the replicas of one deployment share it',
  },
  LOG_LEVEL: {
    default: 'info',
    help:
      `${LOG_LEVELS.slice(0, -1).map(code).join(', ')} or ${code(LOG_LEVELS[LOG_LEVELS.length - 1]!)}; ` +
      'logs are JSON lines with a request id',
  },
  DRILL_ADMIN_TOKEN: {
    default: '',
    help:
      'token of the first controller on an empty database (16+ characters); unset = one is generated and printed ' +
      'once',
  },
  BODY_LIMIT: {
    default: '2mb',
    help:
      'largest request body accepted (`512kb`, `2mb`, …; at least `1kb`), MSEL uploads included (never more than ' +
      '8 MB); larger bodies get 413',
  },
  LOAD_SAMPLE_SCENARIOS: { default: 'true', help: 'load the sample drills in `scenarios/` into an empty database' },
  DRILL_RESYNC_INTERVAL_MS: {
    default: '2000',
    help:
      "period (100–60000 ms) of each replica's check of its team sockets against the database: an inject whose " +
      'announcement was lost (releasing replica died after commit, Redis message dropped) reaches a connected team ' +
      'within it plus one query and a catch-up read',
  },
  DRILL_SWEEP_INTERVAL_MS: {
    default: '3000',
    help:
      'period (100–60000 ms) at which any replica looks for running exercises with overdue unreleased injects or a ' +
      'missing wake-up, and heals them',
  },
  DRILL_TEST_KILL_AFTER_RELEASE: {
    default: '',
    help:
      'test hook for fault-injection tests: `SIGKILL` this process right after the release of this inject id ' +
      'commits, before it is announced; never set in production',
  },
  HOST: { default: '', help: 'address to bind, e.g. `127.0.0.1`; unset = every interface' },
  CORS_ORIGINS: {
    default: '',
    help:
      'comma-separated origins (`https://drill.example.org`) allowed to call the API and open sockets from another ' +
      'site; unset = same origin only',
  },
  METRICS_TOKEN: {
    default: '',
    help:
      "bearer token (16+ characters) for Prometheus to read `/metrics`; a controller's token also works; nobody " +
      'else reads it',
  },
  AUTH_FAILURES_PER_MINUTE: {
    default: '20',
    help:
      'failed sign-ins (HTTP or socket) per minute per client address and per token prefix before `429` with ' +
      '`Retry-After`; `0` = unlimited',
  },
  REPORTS_PER_MINUTE: {
    default: '60',
    help:
      'ISM reports (HTTP or socket) per minute per user before `429` with `Retry-After`; `0` = unlimited ' +
      '(`drill simulate` turns it off: its bots live ×speed)',
  },
  TRUST_PROXY: {
    default: '',
    help:
      'behind a reverse proxy: Express `trust proxy` (`loopback`, an address or subnet, a hop count) so that ' +
      "sign-in limits count client addresses, not the proxy's",
  },
  DRILL_CHROMIUM_PATH: {
    default: '',
    help:
      'absolute path of the Chromium (or Chrome) that prints the AAR as PDF (`report?format=pdf`, headless, no ' +
      'network, at most two at a time, 30 s each); unset = `/usr/bin/chromium`, `chromium-browser` or ' +
      '`google-chrome`, whichever exists; none: PDF requests get `501` saying how to install one',
  },
} as const;

type Env = Record<string, string | undefined>;

function setting(env: Env, name: keyof typeof SETTINGS): string {
  const v = env[name];
  return v === undefined || v.trim() === '' ? SETTINGS[name].default : v.trim();
}

/** A whole number of milliseconds within [min, max], or a ConfigError naming the setting. */
function parseInterval(env: Env, name: keyof typeof SETTINGS, min = 100, max = 60_000): number {
  const raw = setting(env, name);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    throw new ConfigError(`${name}: "${raw}" must be a whole number of milliseconds from ${min} to ${max}`);
  return n;
}

/** A whole number from 0 to 1,000,000, or a ConfigError naming the setting. */
function parseCount(env: Env, name: keyof typeof SETTINGS): number {
  const raw = setting(env, name);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 1_000_000) throw new ConfigError(`${name}: "${raw}" must be a whole number from 0`);
  return n;
}

function parseSize(raw: string): number | undefined {
  const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

function parseDatabase(raw: string): DatabaseSetting {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (!path)
      throw new ConfigError(`DATABASE_URL: "${raw}" names no file; use sqlite:./data/drill.sqlite or sqlite::memory:`);
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError(`DATABASE_URL: "${raw}" is not a valid postgres URL`);
    }
    return { kind: 'postgres', url: raw };
  }
  throw new ConfigError(`DATABASE_URL: "${raw}" must start with sqlite: or postgres://`);
}

/**
 * Validates the environment; throws ConfigError with one line naming the setting at fault. Called once, by
 * createDrillApp; the result is frozen because every module shares that one object (DRILL_CONFIG).
 */
export function parseDrillConfig(env: Env): DrillConfig {
  const portRaw = setting(env, 'PORT');
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port > 65535)
    throw new ConfigError(`PORT: "${portRaw}" must be a whole number from 0 to 65535`);

  const logLevel = setting(env, 'LOG_LEVEL').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL: "${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const redisUrl = setting(env, 'REDIS_URL') || undefined;
  if (redisUrl && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL: "${redisUrl}" must look like redis://host:6379`);
  }

  const redisPrefix = setting(env, 'REDIS_PREFIX');
  if (!/^[\w.-]{1,64}$/.test(redisPrefix))
    throw new ConfigError(`REDIS_PREFIX: "${redisPrefix}" must be 1-64 letters, digits, _ . or -`);

  const adminToken = setting(env, 'DRILL_ADMIN_TOKEN') || undefined;
  if (adminToken && adminToken.length < 16) throw new ConfigError('DRILL_ADMIN_TOKEN: must be at least 16 characters');

  const bodyRaw = setting(env, 'BODY_LIMIT');
  const bodyLimitBytes = parseSize(bodyRaw);
  if (bodyLimitBytes === undefined || bodyLimitBytes < 1024) {
    throw new ConfigError(`BODY_LIMIT: "${bodyRaw}" must be a size such as 512kb or 2mb (at least 1kb)`);
  }

  const samples = setting(env, 'LOAD_SAMPLE_SCENARIOS').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(samples))
    throw new ConfigError(`LOAD_SAMPLE_SCENARIOS: "${samples}" must be true or false`);

  const resyncIntervalMs = parseInterval(env, 'DRILL_RESYNC_INTERVAL_MS');
  const sweepIntervalMs = parseInterval(env, 'DRILL_SWEEP_INTERVAL_MS');

  const testKillAfterRelease = setting(env, 'DRILL_TEST_KILL_AFTER_RELEASE') || undefined;
  if (testKillAfterRelease && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(testKillAfterRelease))
    throw new ConfigError(`DRILL_TEST_KILL_AFTER_RELEASE: "${testKillAfterRelease}" is not an inject id`);

  const host = setting(env, 'HOST') || undefined;
  if (host && !/^[\w.:-]{1,253}$/.test(host)) throw new ConfigError(`HOST: "${host}" is not an address or host name`);

  const corsOrigins = setting(env, 'CORS_ORIGINS')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of corsOrigins) {
    // An origin is scheme://host[:port] exactly as a browser sends it; a path or '*' would not match or match all.
    if (!URL.canParse(o) || new URL(o).origin !== o)
      throw new ConfigError(`CORS_ORIGINS: "${o}" is not an origin such as https://drill.example.org`);
  }

  const chromiumPath = setting(env, 'DRILL_CHROMIUM_PATH') || undefined;
  // Existence is checked per PDF request (501 naming the path), so a server without Chromium still starts.
  if (chromiumPath && !chromiumPath.startsWith('/'))
    throw new ConfigError(`DRILL_CHROMIUM_PATH: "${chromiumPath}" must be an absolute path such as /usr/bin/chromium`);

  const metricsToken = setting(env, 'METRICS_TOKEN') || undefined;
  if (metricsToken && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN: must be at least 16 characters');

  return Object.freeze({
    port,
    database: Object.freeze(parseDatabase(setting(env, 'DATABASE_URL'))),
    redisUrl,
    redisPrefix,
    logLevel: logLevel as LogLevel,
    adminToken,
    bodyLimitBytes,
    loadSampleScenarios: samples === 'true' || samples === '1',
    resyncIntervalMs,
    sweepIntervalMs,
    testKillAfterRelease,
    host,
    corsOrigins: Object.freeze(corsOrigins),
    metricsToken,
    authFailuresPerMinute: parseCount(env, 'AUTH_FAILURES_PER_MINUTE'),
    reportsPerMinute: parseCount(env, 'REPORTS_PER_MINUTE'),
    trustProxy: setting(env, 'TRUST_PROXY') || undefined,
    chromiumPath,
  });
}
