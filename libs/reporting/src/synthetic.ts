import type { IocType, ReportKind, Severity, TlpLabel } from '@drill/contracts';
import {
  DEFAULT_SCORING_CONFIG,
  resolveScoringConfig,
  scoreExercise,
  type ScoringInject,
  type ScoringReport,
} from '@drill/scoring';
import { buildAar } from './build.js';
import { renderAarCsv } from './csv.js';
import { renderAarHtml } from './html.js';
import type { Aar, AarInput, AarInputDelivery, AarInputReport, AarNote, ImprovementItem } from './model.js';

// Deterministic synthetic drills for benchmarks and size tests: nothing here is used by the server.

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

const iocOf = (i: number, j: number): { type: IocType; value: string } => {
  switch (j % 4) {
    case 0:
      return { type: 'ip-dst', value: `10.${i % 250}.${j}.${(i * 7) % 250}` };
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

export interface SyntheticAarOptions {
  teams?: number;
  injects?: number;
  /** Reports per (team, inject) for teams that respond. */
  reportsPerPair?: number;
  seed?: number;
}

/**
 * A complete AarInput for a drill of `teams` × `injects` (defaults 30 × 200), scored by @drill/scoring: most
 * teams answer most injects with a mix of right, missing and decoy IOCs, and share with a few other teams.
 */
export function syntheticAarInput(opts: SyntheticAarOptions = {}): AarInput {
  const nTeams = opts.teams ?? 30;
  const nInjects = opts.injects ?? 200;
  const perPair = opts.reportsPerPair ?? 2;
  const rand = rng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const severities: Severity[] = ['low', 'medium', 'high', 'critical'];
  const tlps: TlpLabel[] = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT'];
  const teams = Array.from({ length: nTeams }, (_, t) => ({
    id: `00000000-0000-4000-8000-${String(t).padStart(12, '0')}`,
    code: `T${String(t).padStart(2, '0')}`,
    name: `Team ${t} CERT`,
  }));
  const codeOf = new Map(teams.map((t) => [t.id, t.code]));
  const start = Date.parse('2026-11-25T01:00:00Z');
  const speed = 1;
  const MIN = 60_000;

  const injects = Array.from({ length: nInjects }, (_, i) => {
    const offsetMin = Math.floor((i * 240) / nInjects);
    const scoring: ScoringInject = {
      id: `I-${String(i).padStart(3, '0')}`,
      responseRequired: i % 10 !== 0,
      targetMinutes: 30,
      deadlineMinutes: 90,
      tlp: 'TLP:AMBER',
      answerKey: {
        iocs: Array.from({ length: 6 }, (_, j) => ({ ...iocOf(i, j), weight: 1 + (j % 2), critical: j === 0 })),
        decoys: Array.from({ length: 2 }, (_, j) => iocOf(i + 10_000, j)),
        classification: { class: 'malicious-code', type: 'c2-server' },
        severity: pick(severities),
        actions: [
          { code: 'ISOLATE', keywords: ['isolat', 'quarantin'], weight: 2 },
          { code: 'BLOCK-IOC', keywords: ['block', 'sinkhole'], weight: 1 },
        ],
        recipients: ['control', teams[(i + 1) % nTeams]!.code],
        maxTlp: 'TLP:AMBER',
      },
    };
    return {
      scoring,
      offsetMin,
      title: `Synthetic inject ${i}: ${pick(['ransomware', 'phishing kit', 'DDoS', 'data leak', 'supply chain'])}`,
      severity: pick(severities),
    };
  });

  const deliveries: AarInputDelivery[] = [];
  const reports: (AarInputReport & ScoringReport)[] = [];
  let reportNo = 0;
  for (const inj of injects) {
    for (const team of teams) {
      const rel = inj.offsetMin * MIN + Math.floor(rand() * 2000);
      const acked = rand() < 0.8;
      const ackMs = rel + Math.floor(rand() * 5 * MIN);
      deliveries.push({
        teamId: team.id,
        injectId: inj.scoring.id,
        status: 'released',
        releasedAt: new Date(start + rel / speed).toISOString(),
        releasedScenarioMs: rel,
        acknowledgedAt: acked ? new Date(start + ackMs / speed).toISOString() : null,
        acknowledgedScenarioMs: acked ? ackMs : null,
      });
      if (rand() < 0.15) continue; // this team does not answer this inject
      for (let k = 0; k < perPair; k++) {
        const at = rel + Math.floor((5 + rand() * 100) * MIN);
        const key = inj.scoring.answerKey!;
        const kind: ReportKind = k === 0 ? 'early-warning' : 'update';
        const shareWith = rand() < 0.4 ? [teams[Math.floor(rand() * nTeams)]!.id] : [];
        reports.push({
          id: `r-${reportNo++}`,
          teamId: team.id,
          kind,
          title: `${team.code} on ${inj.scoring.id} (${kind})`,
          injectIds: [inj.scoring.id],
          tlp: pick(tlps),
          recipients: { teams: rand() < 0.05 ? 'all' : shareWith },
          submittedAt: new Date(start + at / speed).toISOString(),
          submittedScenarioMs: at,
          atScenarioMin: at / MIN,
          classification: rand() < 0.7 ? key.classification : { class: 'intrusions', type: 'application-compromise' },
          severity: pick(severities),
          iocs: key.iocs
            .filter(() => rand() < 0.6)
            .map((x) => ({ type: x.type, value: x.value }))
            .concat(rand() < 0.2 ? [{ ...key.decoys[0]! }] : []),
          actions:
            rand() < 0.6
              ? [{ text: 'Isolated the affected hosts' }, { text: 'Blocked the C2 at the perimeter' }]
              : [{ text: 'Monitoring' }],
          affectedAssets: [{ kind: 'server', identifier: 'srv01' }],
          timeline: [{ at: '2026-11-25T01:00:00Z', event: 'alert' }],
          recommendations: rand() < 0.5 ? ['Patch'] : [],
        });
      }
    }
  }

  const config = resolveScoringConfig(undefined, Object.fromEntries(injects.map((i) => [i.scoring.id, 1])));
  const objectives = Array.from({ length: 4 }, (_, o) => ({
    id: `OBJ-${o + 1}`,
    capability: [
      'Operational Communications',
      'Cybersecurity',
      'Operational Coordination',
      'Public Information and Warning',
    ][o]!,
    description: `Synthetic objective ${o + 1}.`,
    injects: injects.filter((_, i) => i % 4 === o).map((i) => i.scoring.id),
  }));
  const scores = scoreExercise({
    injects: injects.map((i) => i.scoring),
    teams: teams.map((t) => t.id),
    releases: deliveries.map((d) => ({
      teamId: d.teamId,
      injectId: d.injectId,
      releasedAtScenarioMin: d.releasedScenarioMs! / MIN,
      ...(d.acknowledgedScenarioMs != null ? { ackAtScenarioMin: d.acknowledgedScenarioMs / MIN } : {}),
    })),
    reports: reports.map((r) => ({
      ...r,
      recipients: {
        teams: r.recipients.teams === 'all' ? 'all' : r.recipients.teams.map((id) => codeOf.get(id) ?? id),
      },
    })),
    objectives,
    scoreOverrides: [
      {
        teamId: teams[0]!.id,
        injectId: injects[1]!.scoring.id,
        completeness: 0.9,
        justification: 'Reported the C2 by phone; confirmed by drill control.',
        by: 'u-eval',
        at: '2026-11-25T06:00:00Z',
      },
    ],
    config,
  });

  const end = start + 260 * MIN;
  const notes: AarNote[] = objectives.flatMap((o, i) => [
    {
      id: `n-${i}-s`,
      objectiveId: o.id,
      kind: 'strength' as const,
      text: `Teams exchanged indicators quickly on ${o.capability}.`,
      author: 'Evaluator One',
      at: new Date(end + i * 1000).toISOString(),
    },
    {
      id: `n-${i}-i`,
      objectiveId: o.id,
      kind: 'improvement' as const,
      text: `Several teams left out the critical indicator for ${o.capability}.`,
      author: 'Evaluator One',
      at: new Date(end + i * 1000 + 500).toISOString(),
    },
  ]);
  const plan: ImprovementItem[] = objectives.map((o, i) => ({
    id: `p-${i}`,
    objectiveId: o.id,
    capability: o.capability,
    issue: 'Critical indicators missed in first reports.',
    correctiveAction: 'Run an indicator-triage workshop before the next drill.',
    capabilityElement: 'training',
    responsibleTeamId: teams[i % nTeams]!.id,
    poc: 'Duty manager',
    startDate: '2027-01-05',
    dueDate: '2027-03-31',
    createdAt: new Date(end).toISOString(),
  }));

  return {
    exercise: {
      id: 'synthetic',
      name: `Synthetic drill ${nTeams}×${nInjects}`,
      status: 'completed',
      speed,
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(end).toISOString(),
      scenarioMsAtEnd: 260 * MIN,
    },
    scenario: {
      id: 'synthetic-drill',
      version: 1,
      title: 'Synthetic drill for benchmarks',
      summary: 'Generated **deterministically**; every name is fictional.',
      plannedDurationMinutes: 240,
      objectives,
      phases: [{ id: 'P1', title: 'All of it' }],
      injects: injects.map((i) => ({
        id: i.scoring.id,
        offset: `+${String(Math.floor(i.offsetMin / 60)).padStart(2, '0')}:${String(i.offsetMin % 60).padStart(2, '0')}`,
        title: i.title,
        severity: i.severity,
        tlp: i.scoring.tlp,
        responseRequired: i.scoring.responseRequired,
        targetMinutes: i.scoring.targetMinutes,
        deadlineMinutes: i.scoring.deadlineMinutes,
      })),
    },
    teams,
    deliveries,
    reports,
    events: [
      { at: new Date(start).toISOString(), action: 'exercise.start', actor: 'Controller', actorRole: 'controller' },
      { at: new Date(end).toISOString(), action: 'exercise.complete', actor: 'Controller', actorRole: 'controller' },
    ],
    scores,
    method: {
      timelinessWeight: DEFAULT_SCORING_CONFIG.timelinessWeight,
      ratingThresholds: config.ratingThresholds,
      weights: config.weights,
    },
    notes,
    plan,
    state: { status: 'draft' },
    userNames: { 'u-eval': 'Evaluator One' },
    generatedAt: new Date(end + 3600_000).toISOString(),
  };
}

/** Builds the AAR and renders every format: what a benchmark times end to end. */
export async function renderAarAll(input: AarInput): Promise<{ aar: Aar; json: string; csv: string; html: string }> {
  const aar = buildAar(input);
  const html = await renderAarHtml(aar);
  return { aar, json: JSON.stringify(aar), csv: renderAarCsv(aar), html };
}
