import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { FeedbackDto } from './feedback.dto.js';
import { FeedbackService } from './feedback.service.js';

@ApiTags('feedback')
@ApiBearerAuth()
@Controller('api/exercises/:id/feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  /**
   * The caller's participant feedback form, after ENDEX (409 before). Submitting again replaces it. 400 names an
   * objective or capability the scenario does not have, or a rating outside 1–5.
   */
  @Post()
  @HttpCode(200)
  @Roles('participant')
  async submit(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: FeedbackDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    const saved = await this.feedback.submit(id, p, dto, req.id ? String(req.id) : undefined);
    req.audit = { action: '' }; // recorded with the form, in its transaction
    return saved;
  }

  /** Evaluators and controllers: the summary and the comments, anonymised by default. A participant: their own form. */
  @Get()
  @Roles('controller', 'evaluator', 'participant')
  view(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.feedback.view(id, p);
  }
}
