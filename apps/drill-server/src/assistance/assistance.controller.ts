import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateAssistanceDto, RespondAssistanceDto } from './assistance.dto.js';
import { AssistanceService } from './assistance.service.js';

const requestIdOf = (req: AuditedRequest) => (req.id ? String(req.id) : undefined);

@ApiTags('assistance')
@ApiBearerAuth()
@Controller('api/exercises/:id/assistance')
export class AssistanceController {
  constructor(private readonly assistance: AssistanceService) {}

  /** A team asks another team or drill control for assistance (a controller asks a team as drill control). */
  @Post()
  @HttpCode(201)
  @Roles('controller', 'participant')
  create(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateAssistanceDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    req.audit = { action: '' }; // the service audits the request with its id, in its transaction
    return this.assistance.create(id, p, dto, requestIdOf(req));
  }

  /** The requests the caller may read: drill control all, a team those it sent or was asked (TLP applies). */
  @Get()
  @Roles('controller', 'evaluator', 'observer', 'participant')
  list(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.assistance.list(id, p);
  }

  @Get(':rid')
  @Roles('controller', 'evaluator', 'observer', 'participant')
  one(@Param('id', ParseUUIDPipe) id: string, @Param('rid', ParseUUIDPipe) rid: string, @CurrentUser() p: Principal) {
    return this.assistance.one(id, p, rid);
  }

  /** The asked team (or a controller, for a request to drill control) accepts, declines or fulfils it. */
  @Post(':rid/respond')
  @HttpCode(200)
  @Roles('controller', 'participant')
  respond(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('rid', ParseUUIDPipe) rid: string,
    @Body() dto: RespondAssistanceDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    req.audit = { action: '' };
    return this.assistance.respond(id, p, rid, dto, requestIdOf(req));
  }
}
