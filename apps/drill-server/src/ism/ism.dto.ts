import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  DETERMINATIONS,
  IOC_TYPES,
  REPORT_KINDS,
  SEVERITIES,
  type Determination,
  type IocType,
  type ReportKind,
  type Severity,
} from '@drill/contracts';

export class ClassificationDto {
  @ApiProperty({ example: 'malicious-code' }) @IsString() @IsNotEmpty() @MaxLength(60) class!: string;
  @ApiProperty({ example: 'infected-system' }) @IsString() @IsNotEmpty() @MaxLength(60) type!: string;
}

export class AffectedAssetDto {
  @ApiProperty({ example: 'server' }) @IsString() @IsNotEmpty() @MaxLength(60) kind!: string;
  @ApiProperty({ example: 'fs01.hospital.example' }) @IsString() @IsNotEmpty() @MaxLength(300) identifier!: string;
  @ApiPropertyOptional({ example: 'health' }) @IsOptional() @IsString() @MaxLength(100) sector?: string;
  @ApiPropertyOptional({ example: 'MY' }) @IsOptional() @IsString() @MaxLength(100) country?: string;
}

export class IocDto {
  @ApiProperty({ enum: IOC_TYPES }) @IsIn(IOC_TYPES) type!: IocType;
  @ApiProperty({ example: 'hxxp://evil[.]example/payload' }) @IsString() @IsNotEmpty() @MaxLength(2048) value!: string;
  @ApiPropertyOptional({ example: 'c2' }) @IsOptional() @IsString() @MaxLength(60) role?: string;
  @ApiProperty({ description: 'true: usable for detection (STIX indicator); false: observed only' })
  @IsBoolean()
  toIds!: boolean;
}

export class TimelineEntryDto {
  @ApiProperty({ example: '2026-11-25T09:20:00Z' }) @IsString() @IsNotEmpty() @MaxLength(40) at!: string;
  @ApiProperty({ example: 'EDR alert on fs01' }) @IsString() @IsNotEmpty() @MaxLength(1000) event!: string;
}

export class ActionDto {
  @ApiPropertyOptional({ example: 'ISOLATE-HOSTS' }) @IsOptional() @IsString() @MaxLength(60) code?: string;
  @ApiProperty({ example: 'Isolated the three encrypted file servers' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  text!: string;
}

@ValidatorConstraint({ name: 'teamsOrAll' })
class TeamsOrAll implements ValidatorConstraintInterface {
  validate(v: unknown): boolean {
    return (
      v === 'all' ||
      (Array.isArray(v) &&
        v.length <= 1000 &&
        v.every((x) => typeof x === 'string' && /^[A-Z0-9][A-Z0-9_-]{0,31}$/.test(x)))
    );
  }
  defaultMessage(): string {
    return 'teams must be "all" or a list of team codes';
  }
}

export class RecipientsDto {
  @ApiPropertyOptional({ description: 'team codes, or "all"', example: ['MY', 'SG'] })
  @IsOptional()
  @Validate(TeamsOrAll)
  teams?: string[] | 'all';

  @ApiPropertyOptional({ type: [String], description: 'user ids (required for TLP:RED)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  users?: string[];
}

/** An ISM report as a team (or drill control) submits it. The server stamps submittedAt. */
export class CreateReportDto {
  @ApiProperty({ enum: REPORT_KINDS }) @IsIn(REPORT_KINDS) kind!: ReportKind;

  @ApiPropertyOptional({ type: [String], description: 'the injects this report answers' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  injectIds?: string[];

  @ApiPropertyOptional({ description: 'id of the report this one replies to' })
  @IsOptional()
  @IsUUID()
  inReplyTo?: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) summary?: string;
  @ApiProperty({ example: 'TLP:AMBER', description: 'TLP 2.0 label; TLP:WHITE is read as TLP:CLEAR' })
  @IsString()
  @MaxLength(30)
  tlp!: string;
  @ApiPropertyOptional({ type: RecipientsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RecipientsDto)
  recipients?: RecipientsDto;
  @ApiPropertyOptional({ type: ClassificationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClassificationDto)
  classification?: ClassificationDto;
  @ApiPropertyOptional({ enum: DETERMINATIONS }) @IsOptional() @IsIn(DETERMINATIONS) determination?: Determination;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: Severity;

  @ApiPropertyOptional({ type: [AffectedAssetDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AffectedAssetDto)
  affectedAssets?: AffectedAssetDto[];

  @ApiPropertyOptional({ type: [IocDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => IocDto)
  iocs?: IocDto[];

  @ApiPropertyOptional({ type: [TimelineEntryDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => TimelineEntryDto)
  timeline?: TimelineEntryDto[];

  @ApiPropertyOptional({ type: [ActionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ActionDto)
  actions?: ActionDto[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(5000, { each: true })
  recommendations?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(5000, { each: true })
  assistanceRequests?: string[];
}
