import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { ValidationFailed } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ExerciseRuntime, type Actor } from './exercise-runtime.js';
import { ExercisesService } from './exercises.service.js';

export class CreateExerciseDto {
  @ApiProperty({ example: 'acid-2026-ransomware-health-bank' })
  @IsString()
  @IsNotEmpty()
  scenarioId!: string;

  @ApiPropertyOptional({ description: 'scenario version to pin; default the latest' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiProperty({ example: 'ACID 2026 main drill' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    description: 'clock speed: 1 = real time, 60 = one scenario minute per second (1 to 3600)',
    example: 1,
  })
  @IsNumber()
  speed!: number;

  @ApiProperty({ type: [String], description: 'ids of the teams enrolled' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  teamIds!: string[];

  @ApiPropertyOptional({ description: 'start automatically at this time (status scheduled)' })
  @IsOptional()
  @IsISO8601()
  startAt?: string;

  @ApiPropertyOptional({ description: 'whether a team may see its own scores (off by default)' })
  @IsOptional()
  @IsBoolean()
  teamsSeeOwnScores?: boolean;
}

export class ReleaseDto {
  @ApiPropertyOptional({ type: [String], description: 'only these teams; default the inject’s targets' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsUUID('all', { each: true })
  teamIds?: string[];
}

export class PatchInjectDto {
  @ApiPropertyOptional({ example: '+01:30', description: 'new scenario offset for the still-pending releases' })
  @ValidateIf((o: PatchInjectDto) => o.skip === undefined || o.offset !== undefined)
  @Matches(/^\+\d{2,3}:[0-5]\d(:[0-5]\d)?$/, { message: 'offset must look like +HH:MM or +HH:MM:SS' })
  offset?: string;

  @ApiPropertyOptional({ description: 'true: skip every pending release of this inject' })
  @IsOptional()
  @Equals(true, { message: 'skip can only be true' })
  skip?: true;
}

const actorOf = (p: Principal, req: AuditedRequest): Actor => ({
  userId: p.userId,
  role: p.role,
  requestId: req.id ? String(req.id) : undefined,
});
// Lifecycle and inject actions write their own, richer audit events.
const audited = (req: AuditedRequest) => (req.audit = { action: '' });

@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/exercises')
export class ExercisesController {
  constructor(
    private readonly exercises: ExercisesService,
    private readonly runtime: ExerciseRuntime,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('controller')
  async create(@Body() dto: CreateExerciseDto, @CurrentUser() p: Principal, @Req() req: AuditedRequest) {
    const ex = await this.exercises.create(dto, p.userId);
    req.audit = {
      action: 'exercise.create',
      targetType: 'exercise',
      targetId: ex.id,
      exerciseId: ex.id,
      after: { ...dto },
    };
    return ex;
  }

  @Get()
  list(@CurrentUser() p: Principal) {
    return this.exercises.list(p);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.exercises.get(id, p);
  }

  // Each action named: a `:id/:action` pattern would also take every other POST /api/exercises/:id/<word> route
  // (feedback, comcheck) registered by a module after this one.
  @Post([':id/start', ':id/pause', ':id/resume', ':id/complete', ':id/abort'])
  @HttpCode(200)
  @Roles('controller')
  async lifecycle(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal, @Req() req: AuditedRequest) {
    const action = req.path.slice(req.path.lastIndexOf('/') + 1);
    audited(req);
    const actor = actorOf(p, req);
    const run = {
      start: () => this.runtime.start(id, actor),
      pause: () => this.runtime.pause(id, actor),
      resume: () => this.runtime.resume(id, actor),
      complete: () => this.runtime.end(id, 'complete', actor),
      abort: () => this.runtime.end(id, 'abort', actor),
    }[action];
    if (!run)
      throw new ValidationFailed(`unknown action ${action}`, [
        { path: '/action', message: 'must be start, pause, resume, complete or abort' },
      ]);
    await run();
    return this.exercises.get(id, p);
  }

  @Post(':id/injects/:injectId/release')
  @HttpCode(200)
  @Roles('controller')
  release(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('injectId') injectId: string,
    @Body() dto: ReleaseDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    audited(req);
    return this.runtime.releaseNow(id, injectId, dto.teamIds, actorOf(p, req));
  }

  @Patch(':id/injects/:injectId')
  @Roles('controller')
  patchInject(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('injectId') injectId: string,
    @Body() dto: PatchInjectDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    audited(req);
    if (dto.skip && dto.offset !== undefined)
      throw new ValidationFailed('give either offset or skip, not both', [
        { path: '/skip', message: 'not with offset' },
      ]);
    if (dto.skip) return this.runtime.skip(id, injectId, actorOf(p, req));
    return this.runtime.retime(id, injectId, dto.offset!, actorOf(p, req));
  }

  @Get(':id/injects')
  @Roles('participant')
  injects(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.exercises.injectsFor(id, p);
  }

  @Get(':id/timeline')
  @Roles('controller', 'evaluator')
  timeline(@Param('id', ParseUUIDPipe) id: string) {
    return this.exercises.timeline(id);
  }
}
