import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { TeamView } from '@drill/contracts';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { Roles } from '../auth/decorators.js';
import { CreateTeamDto, UpdateTeamDto } from './teams.dto.js';
import { TeamsService } from './teams.service.js';

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

  /** Edits name, country, tier, tags and points of contact; the code stays. */
  @Patch(':id')
  @Roles('controller')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTeamDto,
    @Req() req: AuditedRequest,
  ): Promise<TeamView> {
    const { before, after } = await this.teams.update(id, dto);
    req.audit = { action: 'team.update', targetType: 'team', targetId: id, before, after };
    return after;
  }
}
