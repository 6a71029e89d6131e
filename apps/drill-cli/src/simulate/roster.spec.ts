import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { validateScenarioText, type Scenario } from '@drill/scenario';
import { buildRoster, scenarioTargets } from './roster.js';

const load = (name: string): Scenario => {
  const { scenario, errors } = validateScenarioText(
    readFileSync(join(process.cwd(), 'scenarios', name), 'utf8'),
    'yaml',
  );
  if (!scenario) throw new Error(JSON.stringify(errors));
  return scenario;
};
const ransomware = load('acid-ransomware-health-bank.yaml');

describe('roster', () => {
  it('reads the targeted codes and tags in order of first appearance', () => {
    expect(scenarioTargets(ransomware)).toEqual({
      codes: ['MY', 'TH', 'SG', 'ID'],
      tags: ['tier1', 'health-sector', 'finance-sector'],
    });
  });

  it('puts the targeted teams first, in ACID order, and deals tags and profiles', () => {
    const { teams, leftOut } = buildRoster(ransomware, 4);
    expect(leftOut).toEqual([]);
    expect(teams.map((t) => [t.code, t.profile, t.tags])).toEqual([
      ['SG', 'diligent', ['tier1', 'health-sector']],
      ['MY', 'slow', ['tier1', 'finance-sector']],
      ['TH', 'partial', []],
      ['ID', 'noisy', ['health-sector']],
    ]);
    expect(teams[0]).toMatchObject({ name: 'SingCERT', country: 'Singapore' });
  });

  it('fills up from the ASEAN members and then APCERT economies', () => {
    const codes = buildRoster(ransomware, 12).teams.map((t) => t.code);
    expect(codes).toEqual(['SG', 'MY', 'TH', 'ID', 'PH', 'VN', 'BN', 'KH', 'LA', 'MM', 'JP', 'KR']);
  });

  it('says which targeted teams did not fit', () => {
    const r = buildRoster(ransomware, 2);
    expect(r.teams.map((t) => t.code)).toEqual(['MY', 'TH']);
    expect(r.leftOut).toEqual(['SG', 'ID']);
  });

  it('cycles a given profile list', () => {
    expect(buildRoster(ransomware, 5, ['noisy', 'silent']).teams.map((t) => t.profile)).toEqual([
      'noisy',
      'silent',
      'noisy',
      'silent',
      'noisy',
    ]);
  });

  it('lands every targeted tag on at least one team, whatever the size', () => {
    for (const file of [
      'acid-ransomware-health-bank.yaml',
      'acid-gov-impersonation-scam.yaml',
      'acid-supply-chain-vendor.yaml',
    ]) {
      const s = load(file);
      const { tags } = scenarioTargets(s);
      for (let n = 1; n <= 30; n++) {
        const teams = buildRoster(s, n).teams;
        expect(teams).toHaveLength(n);
        expect(new Set(teams.map((t) => t.code)).size).toBe(n);
        for (const tag of tags) expect(teams.some((t) => t.tags.includes(tag))).toBe(true);
      }
    }
  });

  it('refuses 0 or more than 30 teams', () => {
    expect(() => buildRoster(ransomware, 0)).toThrow(/1 to 30/);
    expect(() => buildRoster(ransomware, 31)).toThrow(/1 to 30/);
  });
});
