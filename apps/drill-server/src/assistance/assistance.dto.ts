import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  ASSISTANCE_ANSWERS,
  ASSISTANCE_KINDS,
  IOC_TYPES,
  type AssistanceAnswer,
  type AssistanceKind,
  type IocType,
} from '@drill/contracts';

export class AssistanceIocDto {
  @ApiProperty({ enum: IOC_TYPES }) @IsIn(IOC_TYPES) type!: IocType;
  @ApiProperty({ example: 'login-mybank[.]example' }) @IsString() @IsNotEmpty() @MaxLength(2048) value!: string;
}

/** `POST /api/exercises/:id/assistance`. */
export class CreateAssistanceDto {
  @ApiProperty({ example: 'SG', description: 'a team code of the exercise, or "control"' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  to!: string;

  @ApiPropertyOptional({ example: 'I-03' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64) injectId?: string;
  @ApiProperty({ enum: ASSISTANCE_KINDS }) @IsIn(ASSISTANCE_KINDS) kind!: AssistanceKind;

  @ApiProperty({ example: 'Please take down the phishing site hosted at your registrar' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  text!: string;

  @ApiProperty({ example: 'TLP:AMBER' }) @IsString() @IsNotEmpty() @MaxLength(30) tlp!: string;

  @ApiPropertyOptional({ type: [AssistanceIocDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AssistanceIocDto)
  iocs?: AssistanceIocDto[];
}

/** `POST /api/exercises/:id/assistance/:rid/respond`. */
export class RespondAssistanceDto {
  @ApiProperty({ enum: ASSISTANCE_ANSWERS }) @IsIn(ASSISTANCE_ANSWERS) status!: AssistanceAnswer;

  @ApiProperty({ example: 'Registrar suspended the domain at 10:42 UTC' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  text!: string;
}
