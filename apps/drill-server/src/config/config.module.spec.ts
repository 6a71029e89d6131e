import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDrillApp, type DrillApp } from '../app.factory.js';
import { repoRoot } from '../common/repo-files.js';
import { DRILL_CONFIG } from './config.module.js';
import { ConfigError, type DrillConfig } from './drill-config.js';

const EMBEDDED = {
  DATABASE_URL: 'sqlite::memory:',
  LOG_LEVEL: 'silent',
  LOAD_SAMPLE_SCENARIOS: 'false',
  REDIS_URL: '',
  DRILL_ADMIN_TOKEN: 'drl_config-spec-admin-token-0123',
};

describe('the configuration, parsed once at start-up', () => {
  let drill: DrillApp;
  beforeAll(async () => {
    drill = await createDrillApp({ ...EMBEDDED, REPORTS_PER_MINUTE: '7' });
  });
  afterAll(() => drill.app.close());

  it('is the one object every module is given as DRILL_CONFIG', () => {
    expect(drill.config.reportsPerMinute).toBe(7);
    expect(drill.app.get<symbol, DrillConfig>(DRILL_CONFIG)).toBe(drill.config);
  });

  it('cannot be changed by one module under the others', () => {
    expect(Object.isFrozen(drill.config)).toBe(true);
    expect(Object.isFrozen(drill.config.database)).toBe(true);
    expect(Object.isFrozen(drill.config.corsOrigins)).toBe(true);
  });

  it('rejects createDrillApp with a ConfigError naming a bad setting', async () => {
    await expect(createDrillApp({ ...EMBEDDED, BODY_LIMIT: 'lots' })).rejects.toThrow(ConfigError);
    await expect(createDrillApp({ ...EMBEDDED, BODY_LIMIT: 'lots' })).rejects.toThrow(/^BODY_LIMIT: "lots"/);
  });
});

describe('main.ts with a bad setting', () => {
  it('exits with status 1 and one line on stderr naming the setting', () => {
    const { NODE_OPTIONS: _n, ...env } = process.env;
    const run = spawnSync(
      process.execPath,
      ['--import', './scripts/ts-register.mjs', 'apps/drill-server/src/main.ts'],
      { cwd: repoRoot(), env: { ...env, ...EMBEDDED, PORT: '70000' }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'drill-server: invalid configuration: PORT: "70000" must be a whole number from 0 to 65535\n',
    );
    expect(run.stdout).toBe('');
  }, 70_000);
});
