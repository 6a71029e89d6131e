import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ValidationFailed } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { AarMarkingDto, AarNoteDto, AarReopenDto, PlanItemDto } from './reporting.dto.js';
import { REPORT_FORMATS, ReportingService, type ReportFormat } from './reporting.service.js';

// The HTML report is served from the API's origin: forbid everything it does not need (it has no scripts and
// loads nothing) so that a rendering slip can never run code in a reader's session.
const HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const requestIdOf = (req: AuditedRequest) => (req.id ? String(req.id) : undefined);

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'exercise';

@ApiTags('aar')
@ApiBearerAuth()
@Controller('api/exercises/:id')
export class ReportingController {
  constructor(private readonly reporting: ReportingService) {}

  /**
   * The after-action report. Drill control only: participants and observers never read the AAR. `pdf` is the HTML
   * printed by headless Chromium: 501 when the server has none, 429 when too many are printing, 504 past 30 s.
   */
  @Get('report')
  @Roles('controller', 'evaluator')
  @ApiQuery({ name: 'format', enum: REPORT_FORMATS, required: false, description: 'default html' })
  @ApiProduces('text/html', 'application/pdf', 'application/json', 'text/csv')
  async report(
    @Param('id', ParseUUIDPipe) id: string,
    @Query('format') format: string | undefined,
    @Res() res: Response,
  ) {
    const f = (format ?? 'html') as ReportFormat;
    if (!REPORT_FORMATS.includes(f))
      throw new ValidationFailed('unknown report format', [
        { path: '/format', message: `must be one of ${REPORT_FORMATS.join(', ')}` },
      ]);
    const { aar, body } = await this.reporting.render(id, f);
    const base = `aar-${slug(aar.overview.exercise.name)}${aar.state.status === 'published' ? '' : '-draft'}`;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-AAR-Status', aar.state.status);
    res.setHeader('X-AAR-Marking', aar.marking);
    if (f === 'html') {
      res.type('text/html; charset=utf-8').setHeader('Content-Security-Policy', HTML_CSP);
      res.setHeader('Content-Disposition', `inline; filename="${base}.html"`);
    } else if (f === 'pdf') {
      res.type('application/pdf').setHeader('Content-Disposition', `attachment; filename="${base}.pdf"`);
    } else if (f === 'csv') {
      res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${base}.csv"`);
    } else {
      res.type('application/json; charset=utf-8');
    }
    res.send(body);
  }

  @Get('aar')
  @Roles('controller', 'evaluator')
  workspace(@Param('id', ParseUUIDPipe) id: string) {
    return this.reporting.workspace(id);
  }

  /** The report's own TLP marking (default TLP:AMBER), printed on every page; evaluators, while it is a draft. */
  @Put('aar/marking')
  @HttpCode(200)
  @Roles('evaluator')
  async setMarking(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AarMarkingDto, @Req() req: AuditedRequest) {
    const { before, marking } = await this.reporting.setMarking(id, dto.marking);
    req.audit = {
      action: 'aar.marking',
      targetType: 'aar',
      targetId: id,
      exerciseId: id,
      before: { marking: before },
      after: { marking },
    };
    return { exerciseId: id, marking };
  }

  @Get('aar/notes')
  @Roles('controller', 'evaluator')
  async notes(@Param('id', ParseUUIDPipe) id: string) {
    return (await this.reporting.workspace(id)).notes;
  }

  @Post('aar/notes')
  @HttpCode(201)
  @Roles('evaluator')
  async addNote(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AarNoteDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    const note = await this.reporting.addNote(id, dto, p);
    req.audit = {
      action: 'aar.note.add',
      targetType: 'aar-note',
      targetId: note.id,
      exerciseId: id,
      after: { objectiveId: note.objectiveId, kind: note.kind, text: note.text },
    };
    return note;
  }

  @Delete('aar/notes/:noteId')
  @HttpCode(204)
  @Roles('evaluator')
  async deleteNote(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('noteId', ParseUUIDPipe) noteId: string,
    @Req() req: AuditedRequest,
  ) {
    const note = await this.reporting.deleteNote(id, noteId);
    req.audit = {
      action: 'aar.note.delete',
      targetType: 'aar-note',
      targetId: noteId,
      exerciseId: id,
      before: { objectiveId: note.objectiveId, kind: note.kind, text: note.text },
    };
  }

  @Get('aar/plan')
  @Roles('controller', 'evaluator')
  async plan(@Param('id', ParseUUIDPipe) id: string) {
    return (await this.reporting.workspace(id)).plan;
  }

  @Post('aar/plan')
  @HttpCode(201)
  @Roles('evaluator')
  async addPlanItem(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PlanItemDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    const item = await this.reporting.addPlanItem(id, dto, p);
    req.audit = {
      action: 'aar.plan.add',
      targetType: 'aar-plan-item',
      targetId: item.id,
      exerciseId: id,
      after: { ...dto },
    };
    return item;
  }

  @Delete('aar/plan/:itemId')
  @HttpCode(204)
  @Roles('evaluator')
  async deletePlanItem(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('itemId', ParseUUIDPipe) itemId: string,
    @Req() req: AuditedRequest,
  ) {
    const item = await this.reporting.deletePlanItem(id, itemId);
    req.audit = {
      action: 'aar.plan.delete',
      targetType: 'aar-plan-item',
      targetId: itemId,
      exerciseId: id,
      before: item,
    };
  }

  @Post('aar/publish')
  @HttpCode(200)
  @Roles('evaluator')
  async publish(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal, @Req() req: AuditedRequest) {
    req.audit = { action: '' }; // audited by the service, in the transaction that publishes
    return this.reporting.publish(id, p, requestIdOf(req));
  }

  /** Returns a published AAR to draft so that scores can be corrected; the reason goes on record. */
  @Post('aar/reopen')
  @HttpCode(200)
  @Roles('evaluator')
  async reopen(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AarReopenDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    req.audit = { action: '' }; // audited by the service, in the transaction that reopens
    return this.reporting.reopen(id, dto.reason, p, requestIdOf(req));
  }
}
