import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_POINTS_OF_CONTACT, TEAM_TIERS, type TeamTier } from '@drill/contracts';

const TEAM_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const TEAM_CODE_RULE = 'code must be 1-32 upper-case letters, digits, - or _ (e.g. SG, MY, BN-2)';

export class PointOfContactDto {
  @ApiProperty({ example: 'Siti Rahman' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'duty@mycert.example' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address (name@domain)' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+60 3 8800 7999' })
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 ()./-]{2,39}$/, { message: 'phone must be digits, spaces, + ( ) . / or -' })
  phone?: string;

  @ApiPropertyOptional({ example: 'duty officer' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  role?: string;
}

/** What a team's record holds besides its code and name; on PATCH, an absent field stays, `null` clears it. */
class TeamProfileDto {
  @ApiPropertyOptional({ example: 'Malaysia', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  country?: string | null;

  @ApiPropertyOptional({ enum: [...TEAM_TIERS], nullable: true, description: 'ITU GCI 2024 tier' })
  @IsOptional()
  @IsIn(TEAM_TIERS, { message: `tier must be one of ${TEAM_TIERS.join(', ')} (the GCI 2024 tier) or null` })
  tier?: TeamTier | null;

  @ApiPropertyOptional({ example: ['tier1', 'asean'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { each: true, message: 'each tag must be lower-case letters, digits, - or _' })
  tags?: string[];

  @ApiPropertyOptional({ type: [PointOfContactDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_POINTS_OF_CONTACT)
  @ValidateNested({ each: true })
  @Type(() => PointOfContactDto)
  pointsOfContact?: PointOfContactDto[];
}

export class CreateTeamDto extends TeamProfileDto {
  @ApiProperty({ example: 'MY', description: 'short unique code, upper-case letters, digits, - or _' })
  @Matches(TEAM_CODE, { message: TEAM_CODE_RULE })
  code!: string;

  @ApiProperty({ example: 'MyCERT' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

export class UpdateTeamDto extends TeamProfileDto {
  @ApiPropertyOptional({ description: 'accepted only unchanged: the code identifies the team across exercises' })
  @IsOptional()
  @Matches(TEAM_CODE, { message: TEAM_CODE_RULE })
  code?: string;

  @ApiPropertyOptional({ example: 'MyCERT' })
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;
}
