import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { TLP_LABELS, type TlpLabel } from '@drill/contracts';
import { CAPABILITY_ELEMENTS, NOTE_KINDS, type CapabilityElement, type NoteKind } from '@drill/reporting';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A strength or an area for improvement an evaluator records against one objective. */
export class AarNoteDto {
  @ApiProperty({ example: 'OBJ-1' }) @IsString() @IsNotEmpty() @MaxLength(100) objectiveId!: string;
  @ApiProperty({ enum: NOTE_KINDS }) @IsIn(NOTE_KINDS) kind!: NoteKind;
  @ApiProperty({ example: 'Teams shared the C2 address with neighbours within 15 minutes.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  text!: string;
}

/** One improvement-plan item (HSEEP AAR/IP Appendix A). */
export class PlanItemDto {
  @ApiPropertyOptional({ example: 'OBJ-2', description: 'the objective this item follows from' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  objectiveId?: string;

  @ApiPropertyOptional({ example: 'Operational Coordination', description: 'default: the capability of objectiveId' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  capability?: string;

  @ApiProperty({ example: 'Critical IOCs missing from first reports' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  issue!: string;
  @ApiProperty({ example: 'Indicator-triage workshop for duty handlers' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  correctiveAction!: string;
  @ApiProperty({ enum: CAPABILITY_ELEMENTS }) @IsIn(CAPABILITY_ELEMENTS) capabilityElement!: CapabilityElement;

  @ApiPropertyOptional({ description: 'a team of the exercise; give this or organisation' })
  @IsOptional()
  @IsUUID()
  responsibleTeamId?: string;

  @ApiPropertyOptional({
    example: 'Drill control',
    description: 'responsible organisation when it is not a participating team',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  organisation?: string;

  @ApiPropertyOptional({ example: 'Duty manager, +60 3 0000 0000' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  poc?: string;

  @ApiPropertyOptional({ example: '2027-01-05' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'startDate must be a date YYYY-MM-DD' })
  startDate?: string;

  @ApiProperty({ example: '2027-03-31', description: 'completion date' })
  @Matches(ISO_DATE, { message: 'dueDate must be a date YYYY-MM-DD' })
  dueDate!: string;
}

/** Why a published AAR is reopened; required (422 naming /reason when missing or blank). */
export class AarReopenDto {
  @ApiProperty({ example: 'BN reported by phone at T+00:40; its I-02 score needs correcting' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  reason?: string;
}

/** The report's own TLP marking (TLP 2.0 label); 400 naming /marking when it is not one of the five. */
export class AarMarkingDto {
  @ApiProperty({
    enum: TLP_LABELS,
    example: 'TLP:AMBER',
    description: 'printed in the header and footer of every page',
  })
  @IsIn(TLP_LABELS, { message: `marking must be one of ${TLP_LABELS.join(', ')}` })
  marking!: TlpLabel;
}
