import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isControl, type Principal } from '@drill/auth';
import {
  Conflict,
  Forbidden,
  NotFound,
  ValidationFailed,
  type ExerciseDirectory,
  type PointOfContact,
  type TeamTier,
  type TeamView,
} from '@drill/contracts';
import { TeamEntity } from '@drill/persistence';
import type { CreateTeamDto, PointOfContactDto, UpdateTeamDto } from './teams.dto.js';
import { TeamRepository } from './team.repository.js';

export const teamView = (t: TeamEntity): TeamView => ({
  id: t.id,
  code: t.code,
  name: t.name,
  country: t.country,
  tier: (t.tier ?? null) as TeamTier | null,
  tags: t.tags,
  pointsOfContact: t.pointsOfContact ?? [],
});

/** A point of contact as stored: trimmed, without the optional fields left blank. */
function contact(p: PointOfContactDto): PointOfContact {
  const opt = (k: 'email' | 'phone' | 'role') => (p[k]?.trim() ? { [k]: p[k].trim() } : {});
  return { name: p.name.trim(), ...opt('email'), ...opt('phone'), ...opt('role') };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

@Injectable()
export class TeamsService {
  constructor(private readonly teams: TeamRepository) {}

  async create(dto: CreateTeamDto): Promise<TeamView> {
    if (await this.teams.codeTaken(dto.code)) {
      throw new Conflict(`team code ${dto.code} is already taken`, [{ path: '/code', message: 'already taken' }]);
    }
    const team = Object.assign(new TeamEntity(), {
      id: randomUUID(),
      code: dto.code,
      name: dto.name,
      country: dto.country || null,
      tier: dto.tier ?? null,
      tags: dto.tags ?? [],
      pointsOfContact: (dto.pointsOfContact ?? []).map(contact),
      createdAt: Date.now(),
    });
    await this.teams.insert(team);
    return teamView(team);
  }

  async list(): Promise<TeamView[]> {
    return (await this.teams.listByCode()).map(teamView);
  }

  /**
   * Edits a team's record; an absent field stays as it is, `null` clears country or tier. The code never changes:
   * scenarios target it and reports, scores and reports of past exercises name the team by it. Name and tags are
   * fixed while an exercise enrolling the team has not ended, as its runtime targets injects by tag and every
   * replica keeps the enrolled teams' names and tags for the exercise's life.
   */
  async update(teamId: string, dto: UpdateTeamDto): Promise<{ before: TeamView; after: TeamView }> {
    const team = await this.teams.byId(teamId);
    if (!team) throw new NotFound(`team ${teamId} does not exist`);
    if (dto.code !== undefined && dto.code !== team.code)
      throw new ValidationFailed(`the code of team ${team.code} cannot change`, [
        { path: '/code', message: 'the code identifies the team across exercises and cannot change' },
      ]);
    const before = teamView(team);
    const changes: Parameters<TeamRepository['update']>[1] = {};
    if (dto.name !== undefined && dto.name !== team.name) changes.name = dto.name;
    if (dto.tags !== undefined && !sameList(dto.tags, team.tags)) changes.tags = dto.tags;
    if (dto.country !== undefined) changes.country = dto.country || null;
    if (dto.tier !== undefined) changes.tier = dto.tier;
    if (dto.pointsOfContact !== undefined) changes.pointsOfContact = dto.pointsOfContact.map(contact);
    const fixed = (['name', 'tags'] as const).filter((k) => k in changes);
    if (fixed.length) {
      const live = await this.teams.unfinishedExercisesOf(teamId);
      if (live.length)
        throw new Conflict(
          `team ${team.code} takes part in ${live.map((n) => `"${n}"`).join(', ')}, not yet ended: its ${fixed.join(' and ')} cannot change until then`,
          fixed.map((k) => ({ path: `/${k}`, message: 'fixed while an exercise enrolling the team has not ended' })),
        );
    }
    if (Object.keys(changes).length) await this.teams.update(teamId, changes);
    return { before, after: teamView(Object.assign(team, changes)) };
  }

  /**
   * The teams of an exercise and their participants, for addressing reports by name. Anyone taking part reads it:
   * drill control, and the participants of enrolled teams. Names and team codes only.
   */
  async directory(exerciseId: string, p: Principal): Promise<ExerciseDirectory> {
    if (!(await this.teams.exerciseExists(exerciseId))) throw new NotFound(`no exercise ${exerciseId}`);
    const teams = await this.teams.enrolledIn(exerciseId);
    if (!isControl(p.role) && !teams.some((t) => t.id === p.teamId))
      throw new Forbidden('your team does not take part in this exercise');
    const codeOf = new Map(teams.map((t) => [t.id, t.code]));
    const people = await this.teams.participantsOf(teams.map((t) => t.id));
    return {
      teams: teams.map((t) => ({ id: t.id, code: t.code, name: t.name })),
      people: people.map((u) => ({ id: u.id, name: u.name, teamCode: codeOf.get(u.teamId ?? '') ?? '' })),
    };
  }
}
