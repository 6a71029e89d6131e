import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseDrillConfig } from './drill-config.js';

describe('parseDrillConfig', () => {
  it('gives embedded defaults for an empty environment', () => {
    const c = parseDrillConfig({});
    expect(c).toEqual({
      port: 3000,
      database: { kind: 'sqlite', path: './data/drill.sqlite' },
      redisUrl: undefined,
      redisPrefix: 'drill',
      logLevel: 'info',
      adminToken: undefined,
      bodyLimitBytes: 2 * 1024 * 1024,
      loadSampleScenarios: true,
      resyncIntervalMs: 2000,
      sweepIntervalMs: 3000,
      testKillAfterRelease: undefined, // the fault-injection hook is off
      host: undefined,
      corsOrigins: [], // same origin only
      metricsToken: undefined,
      authFailuresPerMinute: 20,
      reportsPerMinute: 60,
      trustProxy: undefined,
      chromiumPath: undefined, // the PDF uses the first of CHROMIUM_CANDIDATES that exists
    });
  });

  it('reads the bind address, CORS origins, metrics token and rate limits', () => {
    const c = parseDrillConfig({
      HOST: '127.0.0.1',
      CORS_ORIGINS: 'https://drill.example.org, http://localhost:5173',
      METRICS_TOKEN: 'prometheus-scrape-token',
      AUTH_FAILURES_PER_MINUTE: '0',
      REPORTS_PER_MINUTE: '600',
      TRUST_PROXY: 'loopback',
      DRILL_CHROMIUM_PATH: '/opt/google/chrome/chrome',
    });
    expect(c).toMatchObject({
      host: '127.0.0.1',
      corsOrigins: ['https://drill.example.org', 'http://localhost:5173'],
      metricsToken: 'prometheus-scrape-token',
      authFailuresPerMinute: 0,
      reportsPerMinute: 600,
      trustProxy: 'loopback',
      chromiumPath: '/opt/google/chrome/chrome',
    });
  });

  it.each([
    [{ HOST: 'a b' }, /^HOST: "a b"/],
    [{ CORS_ORIGINS: 'https://ok.example, *' }, /^CORS_ORIGINS: "\*" is not an origin/],
    [{ CORS_ORIGINS: 'https://drill.example.org/console' }, /^CORS_ORIGINS: .* is not an origin/],
    [{ CORS_ORIGINS: 'not a url' }, /^CORS_ORIGINS: "not a url"/],
    [{ METRICS_TOKEN: 'short' }, /^METRICS_TOKEN: must be at least 16/],
    [{ AUTH_FAILURES_PER_MINUTE: '-1' }, /^AUTH_FAILURES_PER_MINUTE: "-1"/],
    [{ REPORTS_PER_MINUTE: '2000000' }, /^REPORTS_PER_MINUTE: "2000000"/],
    [{ DRILL_CHROMIUM_PATH: 'chromium' }, /^DRILL_CHROMIUM_PATH: "chromium" must be an absolute path/],
  ])('refuses %j naming the setting', (env, message) => {
    expect(() => parseDrillConfig(env)).toThrow(message);
  });

  it('reads the resync and sweep intervals and the test kill hook', () => {
    const c = parseDrillConfig({
      DRILL_RESYNC_INTERVAL_MS: '500',
      DRILL_SWEEP_INTERVAL_MS: ' 60000 ',
      DRILL_TEST_KILL_AFTER_RELEASE: 'I-02',
    });
    expect(c.resyncIntervalMs).toBe(500);
    expect(c.sweepIntervalMs).toBe(60_000);
    expect(c.testKillAfterRelease).toBe('I-02');
    expect(parseDrillConfig({ DRILL_RESYNC_INTERVAL_MS: '100', DRILL_TEST_KILL_AFTER_RELEASE: '  ' })).toMatchObject({
      resyncIntervalMs: 100,
      testKillAfterRelease: undefined,
    });
  });

  it('reads postgres, redis, memory sqlite and sizes', () => {
    expect(parseDrillConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({
      kind: 'sqlite',
      path: ':memory:',
    });
    const c = parseDrillConfig({
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      BODY_LIMIT: '512kb',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@127.0.0.1:5432/test' });
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.bodyLimitBytes).toBe(512 * 1024);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: /],
    [{ DATABASE_URL: 'sqlite:' }, /^DATABASE_URL: /],
    [{ REDIS_URL: 'localhost' }, /^REDIS_URL: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ REDIS_PREFIX: 'a b' }, /^REDIS_PREFIX: /],
    [{ DRILL_ADMIN_TOKEN: 'short' }, /^DRILL_ADMIN_TOKEN: /],
    [{ BODY_LIMIT: 'huge' }, /^BODY_LIMIT: /],
    [{ LOAD_SAMPLE_SCENARIOS: 'maybe' }, /^LOAD_SAMPLE_SCENARIOS: /],
    [{ DRILL_RESYNC_INTERVAL_MS: '99' }, /^DRILL_RESYNC_INTERVAL_MS: /],
    [{ DRILL_RESYNC_INTERVAL_MS: '60001' }, /^DRILL_RESYNC_INTERVAL_MS: /],
    [{ DRILL_RESYNC_INTERVAL_MS: '1.5' }, /^DRILL_RESYNC_INTERVAL_MS: /],
    [{ DRILL_RESYNC_INTERVAL_MS: '2s' }, /^DRILL_RESYNC_INTERVAL_MS: /],
    [{ DRILL_SWEEP_INTERVAL_MS: '0' }, /^DRILL_SWEEP_INTERVAL_MS: /],
    [{ DRILL_SWEEP_INTERVAL_MS: '-3000' }, /^DRILL_SWEEP_INTERVAL_MS: /],
    [{ DRILL_TEST_KILL_AFTER_RELEASE: 'I 02' }, /^DRILL_TEST_KILL_AFTER_RELEASE: /],
  ])('refuses %o with one line naming the setting', (env, pattern) => {
    let err: unknown;
    try {
      parseDrillConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toContain('\n');
  });
});
