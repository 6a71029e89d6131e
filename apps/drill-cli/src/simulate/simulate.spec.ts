import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { Io } from '../scenario-commands.js';
import { Prng } from './prng.js';
import { parseProfiles } from './profiles.js';
import { simulateCommand } from './simulate.js';

function capture(): Io & { errText: () => string } {
  const err: string[] = [];
  return { out: () => undefined, err: (s) => err.push(s), errText: () => err.join('\n') };
}
const scenario = join(process.cwd(), 'scenarios/acid-ransomware-health-bank.yaml');

describe('drill simulate: what it refuses before starting anything', () => {
  it('exits 2 for out-of-range options', async () => {
    for (const [opts, message] of [
      [{ teams: 0 }, '--teams must be a whole number from 1 to 30'],
      [{ teams: 31 }, '--teams must be a whole number from 1 to 30'],
      [{ teams: 2.5 }, '--teams must be a whole number from 1 to 30'],
      [{ speed: 0 }, '--speed must be from 1 to 3600'],
      [{ speed: 7200 }, '--speed must be from 1 to 3600'],
      [{ server: 'http://127.0.0.1:9' }, '--server needs --token'],
      [{ token: 'drl_x' }, '--token only makes sense with --server'],
      [{ seed: -1 }, '--seed must be a non-negative whole number'],
      [{ history: 0 }, '--history must be a whole number from 1 to 20'],
      [{ history: 21 }, '--history must be a whole number from 1 to 20'],
      [{ history: 1.5 }, '--history must be a whole number from 1 to 20'],
      [
        { server: 'http://127.0.0.1:9', token: 'drl_x', database: 'sqlite::memory:' },
        '--database is for the embedded server',
      ],
    ] as const) {
      const io = capture();
      expect(await simulateCommand({ scenario, ...opts }, io)).toBe(2);
      expect(io.errText()).toContain(message);
    }
  });

  it('exits 2 when the scenario cannot be read and 1 when it is invalid, with line numbers', async () => {
    const io = capture();
    expect(await simulateCommand({ scenario: '/nonexistent/drill.yaml' }, io)).toBe(2);
    expect(io.errText()).toContain('cannot read /nonexistent/drill.yaml: ENOENT');
    const bad = join(mkdtempSync(join(tmpdir(), 'sim-')), 'bad.yaml');
    writeFileSync(bad, 'id: x\ntitle: t\nplannedDuration: "+01:00"\ninjects:\n  - id: I-1\n    offset: soon\n');
    const io2 = capture();
    expect(await simulateCommand({ scenario: bad }, io2)).toBe(1);
    expect(io2.errText()).toMatch(new RegExp(`${bad}:6:\\d+: .*offset`));
  });

  it('parses a profile list and names what it does not know', () => {
    expect(parseProfiles('diligent, noisy ,silent')).toEqual(['diligent', 'noisy', 'silent']);
    expect(() => parseProfiles('diligent,lazy')).toThrow(/not lazy/);
    expect(() => parseProfiles('')).toThrow(/comma-separated/);
  });
});

describe('Prng', () => {
  it('repeats for a seed, differs across seeds and labels, stays in range', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xs);
    expect(new Prng(8).next()).not.toBe(xs[0]);
    expect(new Prng(7).fork('MY').next()).toBe(new Prng(7).fork('MY').next());
    expect(new Prng(7).fork('MY').next()).not.toBe(new Prng(7).fork('TH').next());
    const r = new Prng(1);
    for (let i = 0; i < 1000; i++) {
      const x = r.between(2, 5);
      expect(x).toBeGreaterThanOrEqual(2);
      expect(x).toBeLessThan(5);
      const k = r.int(1, 3);
      expect([1, 2, 3]).toContain(k);
    }
    expect(new Prng(3).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
