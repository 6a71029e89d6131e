import { BadRequestException, Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { defangedTextToIocs, extractTextProblem, MAX_EXTRACT_TEXT_LENGTH } from '@drill/ioc';
import type { AuditedRequest } from '../audit/audit.interceptor.js';

export class ExtractIocsDto {
  @ApiProperty({
    description: 'free text as pasted by an analyst (defanged or not)',
    example: 'C2 at hxxp://evil[.]example/gate from 203.0.113[.]7',
    maxLength: MAX_EXTRACT_TEXT_LENGTH,
  })
  @IsString()
  // The cheap check first, before anything normalises the text; extract() then counts exactly, after NFKC too.
  @MaxLength(MAX_EXTRACT_TEXT_LENGTH, { message: ({ value }) => extractTextProblem(String(value)) ?? '' })
  text!: string;
}

/** Paste-to-parse for the consoles: the same normaliser the server applies to reports, so the preview is exact. */
@ApiTags('ism')
@ApiBearerAuth()
@Controller('api/ioc')
export class IocController {
  @Post('extract')
  @HttpCode(200)
  extract(@Body() dto: ExtractIocsDto, @Req() req: AuditedRequest) {
    req.audit = { action: '' }; // reads only
    const tooLong = extractTextProblem(dto.text);
    if (tooLong)
      throw new BadRequestException({ message: `/text: ${tooLong}`, details: [{ path: '/text', message: tooLong }] });
    return { iocs: defangedTextToIocs(dto.text) };
  }
}
