import type { InjectTargets } from '@drill/scenario';

export interface EnrolledTeam {
  id: string;
  code: string;
  tags: string[];
}

/** The enrolled teams an inject goes to: all, or the union of named codes and teams carrying a named tag. */
export function resolveTargets(targets: InjectTargets, teams: readonly EnrolledTeam[]): EnrolledTeam[] {
  if (targets.all) return [...teams];
  const codes = new Set(targets.teams);
  const tags = new Set(targets.tags);
  return teams.filter((t) => codes.has(t.code) || t.tags.some((tag) => tags.has(tag)));
}
