import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ScenarioValidationRefused, ScenarioValidator } from './scenario-validator.js';

// A real worker thread, started from the TypeScript sources through the loader, as in the e2e tests.
const SAMPLE = readFileSync(new URL('../../../../scenarios/acid-ransomware-health-bank.yaml', import.meta.url), 'utf8');

describe('ScenarioValidator', () => {
  const made: ScenarioValidator[] = [];
  afterEach(async () => {
    for (const v of made.splice(0)) await v.onModuleDestroy();
  });
  const validator = (bounds?: { timeoutMs?: number; heapMb?: number }) => {
    const v = new ScenarioValidator(bounds);
    made.push(v);
    return v;
  };

  it('checks texts in a worker thread, one after another, with their problems', async () => {
    const v = validator();
    const [ok, bad] = await Promise.all([v.validate(SAMPLE, 'yaml'), v.validate('id: x\ntitle: T\n', 'yaml')]);
    expect(ok.errors).toEqual([]);
    expect(ok.scenario?.id).toBe('acid-ransomware-health-bank');
    expect(bad.scenario).toBeUndefined();
    expect(bad.errors.length).toBeGreaterThan(0);
  }, 30_000);

  it('gives up on a text past its time budget, and starts a fresh worker for the next', async () => {
    const v = validator({ timeoutMs: 1 });
    await expect(v.validate(SAMPLE, 'yaml')).rejects.toThrow(ScenarioValidationRefused);
    const relaxed = validator();
    expect((await relaxed.validate(SAMPLE, 'yaml')).errors).toEqual([]);
    // The timed-out validator recovers too, once given time (a new worker; the old one was stopped).
    (v as unknown as { bounds: { timeoutMs: number } }).bounds.timeoutMs = 20_000;
    expect((await v.validate(SAMPLE, 'yaml')).errors).toEqual([]);
  }, 60_000);

  it('has a worker entry that does nothing when imported outside a worker', async () => {
    await expect(import('./scenario-worker.js')).resolves.toBeDefined();
  });
});
