import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { TEAM_TIERS, type TeamTier } from '@drill/contracts';
import { isRangeBound, rangeBound } from '@drill/capacity';

export const CAPACITY_FORMATS = ['json', 'csv'] as const;
export type CapacityFormat = (typeof CAPACITY_FORMATS)[number];

/** A calendar date (the whole UTC day) or an ISO instant with its offset. */
@ValidatorConstraint({ name: 'rangeBound' })
class RangeBound implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isRangeBound(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a date (YYYY-MM-DD) or an ISO instant with its offset (2027-03-31T17:00:00Z)`;
  }
}

/** `to` must not come before `from` (checked only when both are valid bounds). */
@ValidatorConstraint({ name: 'notBeforeFrom' })
class NotBeforeFrom implements ValidatorConstraintInterface {
  validate(to: unknown, args: ValidationArguments): boolean {
    const from = (args.object as CapacityQueryDto).from;
    if (typeof to !== 'string' || typeof from !== 'string' || !isRangeBound(to) || !isRangeBound(from)) return true;
    return rangeBound(to, 'to') >= rangeBound(from, 'from');
  }
  defaultMessage(): string {
    return 'to must not be before from';
  }
}

/** The capacity view's filters (GET /api/capacity); each bad one is a 400 naming it. */
export class CapacityQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'drills that ended on or after (date or ISO instant)' })
  @IsOptional()
  @Validate(RangeBound)
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'drills that ended on or before (a date: the whole day)' })
  @IsOptional()
  @Validate(RangeBound)
  @Validate(NotBeforeFrom)
  to?: string;

  @ApiPropertyOptional({ enum: [...TEAM_TIERS], description: 'GCI 2024 tier of the teams' })
  @IsOptional()
  @Type(() => Number)
  @IsIn(TEAM_TIERS, { message: `tier must be one of ${TEAM_TIERS.join(', ')} (the GCI 2024 tier)` })
  tier?: TeamTier;

  @ApiPropertyOptional({ example: 'Operational Coordination', description: 'one HSEEP core capability' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  capability?: string;

  @ApiPropertyOptional({ enum: CAPACITY_FORMATS, description: 'default json' })
  @IsOptional()
  @IsIn(CAPACITY_FORMATS, { message: `format must be one of ${CAPACITY_FORMATS.join(', ')}` })
  format?: CapacityFormat;
}
