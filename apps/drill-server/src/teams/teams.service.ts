import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Conflict } from '@drill/contracts';
import { TeamEntity } from '@drill/persistence';
import type { CreateTeamDto } from './teams.dto.js';
import { TeamRepository } from './team.repository.js';

export interface TeamView {
  id: string;
  code: string;
  name: string;
  country: string | null;
  tags: string[];
}

export const teamView = (t: TeamEntity): TeamView => ({
  id: t.id,
  code: t.code,
  name: t.name,
  country: t.country,
  tags: t.tags,
});

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
      country: dto.country ?? null,
      tags: dto.tags ?? [],
      createdAt: Date.now(),
    });
    await this.teams.insert(team);
    return teamView(team);
  }

  async list(): Promise<TeamView[]> {
    return (await this.teams.listByCode()).map(teamView);
  }
}
