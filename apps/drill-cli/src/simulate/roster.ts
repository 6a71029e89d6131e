import type { TeamTier } from '@drill/contracts';
import type { Scenario } from '@drill/scenario';
import { PROFILE_NAMES, type ProfileName } from './profiles.js';

export interface TeamPlan {
  code: string;
  name: string;
  country: string;
  tags: string[];
  /** GCI 2024 tier, for the ASEAN teams the issue names; undefined for the others. */
  tier?: TeamTier;
  profile: ProfileName;
}

// ASEAN member states first (the ACID drill), then APCERT economies, so a small run is always a plausible ACID.
// Tiers as the Global Cybersecurity Index 2024 places the ASEAN member states (capacity views group CERTs by them).
export const TEAM_CATALOGUE: readonly { code: string; name: string; country: string; tier?: TeamTier }[] = [
  { code: 'SG', name: 'SingCERT', country: 'Singapore', tier: 1 },
  { code: 'MY', name: 'MyCERT', country: 'Malaysia', tier: 1 },
  { code: 'TH', name: 'ThaiCERT', country: 'Thailand', tier: 1 },
  { code: 'ID', name: 'ID-SIRTII/CC', country: 'Indonesia', tier: 1 },
  { code: 'PH', name: 'CERT-PH', country: 'Philippines', tier: 2 },
  { code: 'VN', name: 'VNCERT/CC', country: 'Viet Nam', tier: 1 },
  { code: 'BN', name: 'BruCERT', country: 'Brunei Darussalam', tier: 3 },
  { code: 'KH', name: 'CamCERT', country: 'Cambodia', tier: 4 },
  { code: 'LA', name: 'LaoCERT', country: 'Lao PDR', tier: 4 },
  { code: 'MM', name: 'mmCERT', country: 'Myanmar', tier: 3 },
  { code: 'JP', name: 'JPCERT/CC', country: 'Japan' },
  { code: 'KR', name: 'KrCERT/CC', country: 'Republic of Korea' },
  { code: 'AU', name: 'AusCERT', country: 'Australia' },
  { code: 'IN', name: 'CERT-In', country: 'India' },
  { code: 'HK', name: 'HKCERT', country: 'Hong Kong' },
  { code: 'TW', name: 'TWCERT/CC', country: 'Taiwan' },
  { code: 'NZ', name: 'CERT NZ', country: 'New Zealand' },
  { code: 'LK', name: 'Sri Lanka CERT|CC', country: 'Sri Lanka' },
  { code: 'BD', name: 'BGD e-GOV CIRT', country: 'Bangladesh' },
  { code: 'MO', name: 'MOCERT', country: 'Macao' },
  { code: 'MN', name: 'MNCERT/CC', country: 'Mongolia' },
  { code: 'BT', name: 'BtCIRT', country: 'Bhutan' },
  { code: 'NP', name: 'npCERT', country: 'Nepal' },
  { code: 'PK', name: 'PakCERT', country: 'Pakistan' },
  { code: 'TO', name: 'CERT Tonga', country: 'Tonga' },
  { code: 'PG', name: 'CERT PNG', country: 'Papua New Guinea' },
  { code: 'FJ', name: 'Fiji CERT', country: 'Fiji' },
  { code: 'VU', name: 'CERT VU', country: 'Vanuatu' },
  { code: 'MV', name: 'MV-CERT', country: 'Maldives' },
  { code: 'CN', name: 'CNCERT/CC', country: 'China' },
];

export const MAX_TEAMS = 30;

/** Team codes and tags the scenario's injects target, in order of first appearance. */
export function scenarioTargets(scenario: Scenario): { codes: string[]; tags: string[] } {
  const codes: string[] = [];
  const tags: string[] = [];
  for (const inject of scenario.injects) {
    const t = inject.targets;
    if (t.all) continue;
    for (const c of t.teams) if (!codes.includes(c)) codes.push(c);
    for (const g of t.tags) if (!tags.includes(g)) tags.push(g);
  }
  return { codes, tags };
}

export interface Roster {
  teams: TeamPlan[];
  /** Team codes the scenario targets that did not fit in `n` teams: injects aimed only at them reach nobody. */
  leftOut: string[];
}

/**
 * Picks `n` teams: every team code the scenario targets first (as many as fit), then the catalogue in order;
 * the result is sorted by catalogue position so that SG, MY, TH… lead as in a real ACID roster. Tags are dealt
 * so that every tag the scenario targets lands on at least one team: `tier1` on the first half (the larger CERTs),
 * further tiers on the rest, and each other tag (sector tags such as health-sector) on every third team,
 * staggered so that sectors do not all land on the same teams. Profiles cycle through `profiles` in roster order.
 */
export function buildRoster(scenario: Scenario, n: number, profiles: readonly ProfileName[] = PROFILE_NAMES): Roster {
  if (!Number.isInteger(n) || n < 1 || n > MAX_TEAMS)
    throw new RangeError(`teams must be a whole number from 1 to ${MAX_TEAMS}`);
  if (profiles.length === 0) throw new RangeError('at least one profile is needed');
  const { codes: targeted, tags } = scenarioTargets(scenario);
  const position = (code: string) => {
    const i = TEAM_CATALOGUE.findIndex((t) => t.code === code);
    return i < 0 ? TEAM_CATALOGUE.length : i;
  };
  const chosen = targeted.slice(0, n);
  for (const t of TEAM_CATALOGUE) {
    if (chosen.length >= n) break;
    if (!chosen.includes(t.code)) chosen.push(t.code);
  }
  const ordered = chosen
    .map((code, i) => ({ code, i }))
    .sort((a, b) => position(a.code) - position(b.code) || a.i - b.i)
    .map((x) => x.code);

  const tagsOf: string[][] = ordered.map(() => []);
  const tiers = tags.filter((t) => /^tier\d+$/.test(t)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  const others = tags.filter((t) => !/^tier\d+$/.test(t));
  const firstHalf = Math.ceil(ordered.length / 2);
  tiers.forEach((tag, k) => {
    if (k === 0) {
      for (let i = 0; i < firstHalf; i++) tagsOf[i]!.push(tag);
      return;
    }
    // Later tiers share out the second half (or the last team when there is none).
    const rest = ordered.length - firstHalf;
    const span = tiers.length - 1;
    let given = false;
    for (let i = firstHalf; i < ordered.length; i++) {
      if (Math.floor(((i - firstHalf) * span) / Math.max(rest, 1)) === k - 1) {
        tagsOf[i]!.push(tag);
        given = true;
      }
    }
    if (!given) tagsOf[ordered.length - 1]!.push(tag);
  });
  others.forEach((tag, k) => {
    const stride = Math.min(3, ordered.length);
    for (let i = 0; i < ordered.length; i++) if (i % stride === k % stride) tagsOf[i]!.push(tag);
  });

  const teams = ordered.map((code, i) => {
    const known = TEAM_CATALOGUE.find((t) => t.code === code);
    return {
      code,
      name: known?.name ?? `${code} CERT`,
      country: known?.country ?? code,
      tags: tagsOf[i]!,
      ...(known?.tier !== undefined ? { tier: known.tier } : {}),
      profile: profiles[i % profiles.length]!,
    };
  });
  return { teams, leftOut: targeted.slice(n) };
}
