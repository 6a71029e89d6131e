import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

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
