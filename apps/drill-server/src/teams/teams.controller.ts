import { Body, Controller, Get, HttpCode, Injectable, Post, Req } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { Conflict } from '@drill/contracts';
import { TeamEntity } from '@drill/persistence';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { Roles } from '../auth/decorators.js';

export class CreateTeamDto {
  @ApiProperty({ example: 'MY', description: 'short unique code, upper-case letters, digits, - or _' })
  @Matches(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, {
    message: 'code must be 1-32 upper-case letters, digits, - or _ (e.g. SG, MY, BN-2)',
  })
  code!: string;

  @ApiProperty({ example: 'MyCERT' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Malaysia' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  country?: string;

  @ApiPropertyOptional({ example: ['tier1', 'asean'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { each: true, message: 'each tag must be lower-case letters, digits, - or _' })
  tags?: string[];
}

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
  constructor(@InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>) {}

  async create(dto: CreateTeamDto): Promise<TeamView> {
    if (await this.teams.existsBy({ code: dto.code })) {
      throw new Conflict(`team code ${dto.code} is already taken`, [{ path: '/code', message: 'already taken' }]);
    }
    const team = this.teams.create({
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
    return (await this.teams.find({ order: { code: 'ASC' } })).map(teamView);
  }
}

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
