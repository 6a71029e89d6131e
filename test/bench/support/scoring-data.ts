// The 30 teams × 200 injects × 5 reports drill that the scoring benchmark (scoring-aar.ts) scores: deterministic
// (mulberry32), so every run scores the same data.
import type { IocType, ReportKind, Severity, TlpLabel } from '@drill/contracts';
import { DEFAULT_SCORING_CONFIG, scoreExercise, type ExerciseScoringInput, type ScoringInject } from '@drill/scoring';

export const TEAMS = 30;
export const INJECTS = 200;
export const REPORTS_PER_PAIR = 5;

// Deterministic PRNG (mulberry32) so every run scores the same data.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const iocOf = (i: number, j: number): { type: IocType; value: string } => {
  switch (j % 4) {
    case 0:
      // i / 250 in the second octet: decoys (i + 10,000) and unforeseen IOCs (i + 20,000) never equal an expected one,
      // which the scenario validator refuses (the server benchmark loads these answer keys as a scenario).
      return { type: 'ip-dst', value: `10.${Math.floor(i / 250) % 250}.${i % 250}.${j}` };
    case 1:
      return { type: 'domain', value: `c2-${i}-${j}.evil.example` };
    case 2:
      return {
        type: 'sha256',
        value: `${i.toString(16).padStart(8, '0')}${j.toString(16).padStart(8, '0')}`.repeat(4),
      };
    default:
      return { type: 'url', value: `https://drop-${i}.example/p/${j}` };
  }
};

const teams = Array.from({ length: TEAMS }, (_, t) => `T${t}`);
const severities: Severity[] = ['low', 'medium', 'high', 'critical'];
const injects: ScoringInject[] = Array.from({ length: INJECTS }, (_, i) => ({
  id: `INJ-${i}`,
  responseRequired: i % 10 !== 0, // one in ten is information only
  targetMinutes: 30,
  deadlineMinutes: 90,
  tlp: 'TLP:AMBER',
  answerKey: {
    iocs: Array.from({ length: 8 }, (_, j) => ({ ...iocOf(i, j), weight: 1 + (j % 2), critical: j === 0 })),
    decoys: Array.from({ length: 3 }, (_, j) => iocOf(i + 10_000, j)),
    classification: { class: 'malicious-code', type: 'c2-server' },
    severity: pick(severities),
    actions: [
      { code: 'ISOLATE', keywords: ['isolat', 'quarantin'], weight: 2 },
      { code: 'BLOCK-IOC', keywords: ['block', 'sinkhole'], weight: 1 },
      { code: 'NOTIFY', keywords: ['notif', 'inform'], weight: 1 },
      { code: 'PRESERVE', keywords: ['image', 'preserv'], weight: 1 },
    ],
    recipients: ['control', pick(teams), pick(teams)],
    maxTlp: 'TLP:AMBER',
  },
}));

const releases: ExerciseScoringInput['releases'][number][] = [];
const reports: ExerciseScoringInput['reports'][number][] = [];
const kinds: ReportKind[] = ['acknowledgement', 'early-warning', 'notification', 'update', 'final'];
const tlps: TlpLabel[] = ['TLP:AMBER', 'TLP:AMBER', 'TLP:AMBER', 'TLP:GREEN', 'TLP:RED'];
const actionTexts = [
  'Isolated the host',
  'Blocked the C2 domain',
  'Notified the bank',
  'Took a disk image',
  'Reviewed logs',
];
let n = 0;
for (const team of teams) {
  injects.forEach((inj, i) => {
    const released = i * 1.5;
    releases.push({
      teamId: team,
      injectId: inj.id,
      releasedAtScenarioMin: released,
      ackAtScenarioMin: released + rand() * 5,
    });
    for (let k = 0; k < REPORTS_PER_PAIR; k++) {
      const kind = kinds[k]!;
      // ~6 IOCs a report: mostly expected ones, some decoys, some the key did not foresee.
      const iocs =
        kind === 'acknowledgement'
          ? []
          : Array.from({ length: 6 }, () => {
              const r = rand();
              return r < 0.7
                ? iocOf(i, Math.floor(rand() * 8))
                : r < 0.85
                  ? iocOf(i + 10_000, Math.floor(rand() * 3))
                  : iocOf(i + 20_000, Math.floor(rand() * 50));
            });
      reports.push({
        id: `R${n++}`,
        teamId: team,
        injectIds: rand() < 0.1 && i > 0 ? [inj.id, injects[i - 1]!.id] : [inj.id],
        kind,
        atScenarioMin: released + k * 20 + rand() * 20,
        tlp: pick(tlps),
        recipients: { teams: rand() < 0.3 ? 'all' : [pick(teams), pick(teams)] },
        ...(kind === 'acknowledgement'
          ? {}
          : {
              classification:
                rand() < 0.7
                  ? { class: 'malicious-code', type: 'c2-server' }
                  : { class: 'malicious-code', type: 'infected-system' },
              determination: 'confirmed' as const,
              severity: pick(severities),
              affectedAssets: [{ kind: 'host', identifier: `srv-${i}` }],
              timeline: [{ at: '2025-01-01T10:00:00Z', event: 'detected' }],
              actions: [
                { text: pick(actionTexts) },
                { code: rand() < 0.5 ? 'ISOLATE' : 'OTHER', text: pick(actionTexts) },
              ],
              recommendations: rand() < 0.5 ? ['patch'] : [],
            }),
        iocs,
      });
    }
  });
}

// Round-trip through JSON, as the data arrives from the database or the wire. Besides realism this matters for
// timing: strings built by concatenation above are V8 rope strings, which are far slower as Map keys than the flat
// strings that JSON.parse (or the IOC normaliser) produces.
export const input: ExerciseScoringInput = JSON.parse(
  JSON.stringify({
    teams,
    injects,
    releases,
    reports,
    objectives: [{ id: 'OBJ-1', injects: injects.slice(0, 50).map((i) => i.id) }],
    config: DEFAULT_SCORING_CONFIG,
  }),
);

// Sanity check once, outside the timed loop, so the benchmark cannot silently measure an empty run.
const check = scoreExercise(input);
const scored = check.teams.reduce((s, t) => s + t.injects.length, 0);
if (scored !== TEAMS * injects.filter((i) => i.responseRequired).length) throw new Error(`scored ${scored} pairs`);
