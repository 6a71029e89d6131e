// Reading the scorecards, and the names that make the server's explanations readable.
import type { IsmReportView } from '@drill/contracts';
import { api } from '../common/api.js';
import { byId } from '../common/dom.js';
import { formatScenario } from '../common/format.js';
import { exerciseId, fmt, me, state, type Scorecards } from './context.js';
import { renderObjectives } from './objectives.js';
import { renderScorecard, renderTeams } from './scorecard.js';

export async function loadScores(): Promise<void> {
  const cards = (state.cards = await api<Scorecards>(`/api/exercises/${exerciseId}/scorecards`));
  await loadNames();
  byId('stale').hidden = true;
  byId('frozen-note').hidden = !cards.scoresFrozen;
  if (!state.team || !cards.teams.some((t) => t.teamId === state.team)) state.team = cards.teams[0]?.teamId ?? '';
  const m = cards.method;
  byId('method').textContent = m
    ? `Method: w = ${fmt(m.timelinessWeight)} (timeliness share); T at the deadline = ${fmt(m.timelinessFloor)}; ratings P ≥ ${fmt(m.ratingThresholds?.P)}, S ≥ ${fmt(m.ratingThresholds?.S)}, M ≥ ${fmt(m.ratingThresholds?.M)}.`
    : '';
  renderTeams();
  renderScorecard();
  renderObjectives();
  state.dirty = false;
}

/** Report and user ids in the server's explanations, as people name them ("MY report 2", "Eve"). */
const names = new Map<string, string>();

async function loadNames(): Promise<void> {
  const reports = await api<IsmReportView[]>(`/api/exercises/${exerciseId}/ism/reports`).catch(
    (): IsmReportView[] => [],
  );
  const perTeam = new Map<string, number>();
  for (const r of [...reports].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))) {
    const who = r.teamCode ?? 'control';
    perTeam.set(who, (perTeam.get(who) ?? 0) + 1);
    names.set(r.id, `${who} report ${perTeam.get(who)} (${formatScenario(r.submittedScenarioMs)})`);
  }
  for (const t of state.cards?.teams ?? [])
    for (const i of t.injects) if (i.override && i.overrideBy) names.set(i.override.by, i.overrideBy);
  names.set(me.id, me.name);
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** An explanation with the ids in it replaced by names. */
export const humanise = (text: string | null | undefined) =>
  String(text ?? '').replace(UUID, (id) => names.get(id) ?? id);
