import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TeamEntity } from '@drill/persistence';

/** The teams table: every query the teams and users features make of it. */
@Injectable()
export class TeamRepository {
  constructor(@InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>) {}

  codeTaken(code: string): Promise<boolean> {
    return this.teams.existsBy({ code });
  }

  exists(teamId: string): Promise<boolean> {
    return this.teams.existsBy({ id: teamId });
  }

  async insert(team: TeamEntity): Promise<void> {
    await this.teams.insert(team);
  }

  listByCode(): Promise<TeamEntity[]> {
    return this.teams.find({ order: { code: 'ASC' } });
  }
}
