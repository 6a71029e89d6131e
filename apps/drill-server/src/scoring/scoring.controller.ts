import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { Principal } from '@drill/auth';
import { RATINGS, type Rating } from '@drill/scoring';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ScoringService } from './scoring.service.js';

export class ScoreOverrideDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'timeliness T to use instead of the automatic one' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  timeliness?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'completeness C to use instead of the automatic one' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  completeness?: number;

  @ApiProperty({ description: 'why; shown beside the figure in the scorecard and the AAR' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  justification!: string;
}

export class RatingOverrideDto {
  @ApiProperty({ enum: RATINGS }) @IsIn(RATINGS) rating!: Rating;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) justification!: string;
  @ApiPropertyOptional({ description: 'rate this team only; default the objective overall' })
  @IsOptional()
  @IsUUID()
  teamId?: string;
}

const requestIdOf = (req: AuditedRequest) => (req.id ? String(req.id) : undefined);

@ApiTags('scoring')
@ApiBearerAuth()
@Controller('api/exercises/:id')
export class ScoringController {
  constructor(private readonly scoring: ScoringService) {}

  @Get('scorecards')
  all(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.scoring.scorecards(id, p);
  }

  @Get('scorecards/:teamId')
  team(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('teamId', ParseUUIDPipe) teamId: string,
    @CurrentUser() p: Principal,
  ) {
    return this.scoring.scorecards(id, p, teamId);
  }

  @Put('scores/:teamId/:injectId')
  @Roles('evaluator')
  override(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('teamId', ParseUUIDPipe) teamId: string,
    @Param('injectId') injectId: string,
    @Body() dto: ScoreOverrideDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    req.audit = { action: '' }; // the service audits with the auto figure beside the override
    return this.scoring.overrideScore(id, teamId, injectId, dto, p, requestIdOf(req));
  }

  @Put('ratings/:objectiveId')
  @Roles('evaluator')
  rating(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('objectiveId') objectiveId: string,
    @Body() dto: RatingOverrideDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    req.audit = { action: '' };
    return this.scoring.overrideRating(id, objectiveId, dto, p, requestIdOf(req));
  }
}
