import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateReportDto } from './ism.dto.js';
import { IsmService } from './ism.service.js';

@ApiTags('ism')
@ApiBearerAuth()
@Controller('api/exercises/:id/ism')
export class IsmController {
  constructor(private readonly ism: IsmService) {}

  @Post('reports')
  @HttpCode(201)
  @Roles('participant', 'controller')
  submit(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateReportDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    req.audit = { action: '' }; // the service writes the audit event with the report's details
    return this.ism.submit(id, p, dto, req.id ? String(req.id) : undefined);
  }

  @Get('reports')
  list(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.ism.list(id, p);
  }

  @Get('stix')
  stix(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.ism.stix(id, p);
  }
}
