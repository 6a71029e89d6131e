import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { FEEDBACK_RATING_MAX, FEEDBACK_RATING_MIN, FEEDBACK_TEXT_MAX } from '@drill/reporting';

const RATING = `must be a whole number from ${FEEDBACK_RATING_MIN} (strongly disagree) to ${FEEDBACK_RATING_MAX} (strongly agree)`;
// More than any scenario has objectives; the service checks each against the scenario.
const MAX_RATED = 100;

export class ObjectiveRatingDto {
  @ApiProperty({ example: 'OBJ-1' }) @IsString() @IsNotEmpty() @MaxLength(100) objectiveId!: string;
  @ApiProperty({ minimum: FEEDBACK_RATING_MIN, maximum: FEEDBACK_RATING_MAX, example: 4 })
  @IsInt({ message: `rating ${RATING}` })
  @Min(FEEDBACK_RATING_MIN, { message: `rating ${RATING}` })
  @Max(FEEDBACK_RATING_MAX, { message: `rating ${RATING}` })
  rating!: number;
}

export class CapabilityRatingDto {
  @ApiProperty({ example: 'Operational Coordination' }) @IsString() @IsNotEmpty() @MaxLength(200) capability!: string;
  @ApiProperty({ minimum: FEEDBACK_RATING_MIN, maximum: FEEDBACK_RATING_MAX, example: 3 })
  @IsInt({ message: `rating ${RATING}` })
  @Min(FEEDBACK_RATING_MIN, { message: `rating ${RATING}` })
  @Max(FEEDBACK_RATING_MAX, { message: `rating ${RATING}` })
  rating!: number;
}

/** The HSEEP participant feedback form (`POST /api/exercises/:id/feedback`). */
export class FeedbackDto {
  @ApiProperty({ type: [ObjectiveRatingDto], description: 'the scenario objectives, each at most once' })
  @IsArray()
  @ArrayMaxSize(MAX_RATED)
  @ValidateNested({ each: true })
  @Type(() => ObjectiveRatingDto)
  objectiveRatings!: ObjectiveRatingDto[];

  @ApiProperty({ type: [CapabilityRatingDto], description: "the objectives' capabilities, each at most once" })
  @IsArray()
  @ArrayMaxSize(MAX_RATED)
  @ValidateNested({ each: true })
  @Type(() => CapabilityRatingDto)
  capabilityRatings!: CapabilityRatingDto[];

  @ApiPropertyOptional({ example: 'The ISM templates made the early warning quick to write.' })
  @IsOptional()
  @IsString()
  @MaxLength(FEEDBACK_TEXT_MAX)
  strengths?: string;

  @ApiPropertyOptional({ example: 'Inject I-03 arrived without its log attachment.' })
  @IsOptional()
  @IsString()
  @MaxLength(FEEDBACK_TEXT_MAX)
  improvements?: string;

  @ApiPropertyOptional({ default: true, description: 'false: your name and team appear with your comments' })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;
}
