import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ComcheckService } from './comcheck.service.js';

const requestIdOf = (req: AuditedRequest) => (req.id ? String(req.id) : undefined);

@ApiTags('comcheck')
@ApiBearerAuth()
@Controller('api/exercises/:id/comcheck')
export class ComcheckController {
  constructor(private readonly comchecks: ComcheckService) {}

  /** Sends a communications check to every participant of every enrolled team. */
  @Post()
  @HttpCode(201)
  @Roles('controller')
  send(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal, @Req() req: AuditedRequest) {
    req.audit = { action: '' }; // the service writes the audit event with the check's id
    return this.comchecks.send(id, p, requestIdOf(req));
  }

  /** The latest check per team and per person (reached, confirmed, time to confirm) and the list of checks. */
  @Get()
  @Roles('controller', 'evaluator', 'observer')
  overview(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.comchecks.overview(id, p);
  }

  /** A participant answers the check over HTTP (the console uses the socket; this is its fallback). */
  @Post(':cid/confirm')
  @HttpCode(200)
  @Roles('participant')
  confirm(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('cid', ParseUUIDPipe) cid: string,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    req.audit = { action: '' }; // the service audits a first confirmation; a repeat changes nothing
    return this.comchecks.confirm(id, p, cid, 'http', requestIdOf(req));
  }
}
