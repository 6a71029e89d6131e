import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { Roles } from '../auth/decorators.js';
import { CreateTeamDto } from './teams.dto.js';
import { TeamsService, type TeamView } from './teams.service.js';

@ApiTags('teams')
@ApiBearerAuth()
@Controller('api/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @HttpCode(201)
  @Roles('controller')
  async create(@Body() dto: CreateTeamDto, @Req() req: AuditedRequest): Promise<TeamView> {
    const team = await this.teams.create(dto);
    req.audit = { action: 'team.create', targetType: 'team', targetId: team.id, after: team };
    return team;
  }

  @Get()
  @Roles('controller', 'evaluator', 'observer')
  list(): Promise<TeamView[]> {
    return this.teams.list();
  }
}
