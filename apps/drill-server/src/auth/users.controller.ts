import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { UsersService } from './users.service.js';
import { CurrentUser, Roles } from './decorators.js';

export class CreateUserDto {
  @ApiProperty({ example: 'Aisyah (MyCERT analyst)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'required for participants, who belong to exactly one team' })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ description: 'when the first token stops working (ISO 8601); none: until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class IssueTokenDto {
  @ApiPropertyOptional({ example: 'laptop in the drill room' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional({ description: 'when the token stops working (ISO 8601); none: until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('users')
  @HttpCode(201)
  @Roles('controller')
  async create(@Body() dto: CreateUserDto, @CurrentUser() p: Principal, @Req() req: AuditedRequest) {
    const u = await this.users.createUser(dto, p.userId);
    // The token is returned once and not audited.
    req.audit = {
      targetType: 'user',
      targetId: u.id,
      after: { name: u.name, role: u.role, teamId: u.teamId, tokenId: u.tokenId, expiresAt: dto.expiresAt ?? null },
    };
    return { id: u.id, name: u.name, role: u.role, teamId: u.teamId, token: u.token, tokenId: u.tokenId };
  }

  @Get('users')
  @Roles('controller')
  list() {
    return this.users.listUsers();
  }

  @Get('me')
  me(@CurrentUser() p: Principal) {
    return { id: p.userId, name: p.name, role: p.role, teamId: p.teamId };
  }

  @Get('users/:id/tokens')
  tokens(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal) {
    return this.users.listTokens(id, p);
  }

  @Post('users/:id/tokens')
  @HttpCode(201)
  @Roles('controller')
  async issue(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: IssueTokenDto,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    const t = await this.users.issueToken(id, dto, p);
    req.audit = {
      action: 'token.issue',
      targetType: 'token',
      targetId: t.id,
      after: { userId: id, label: t.label, expiresAt: t.expiresAt },
    };
    return t;
  }

  /** Revokes one token; its sockets close at once. Users may revoke their own. */
  @Post('users/:id/tokens/:tokenId/revoke')
  @HttpCode(200)
  async revokeOne(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('tokenId', ParseUUIDPipe) tokenId: string,
    @CurrentUser() p: Principal,
    @Req() req: AuditedRequest,
  ) {
    const [t] = await this.users.revoke(id, tokenId, p);
    req.audit = { action: 'token.revoke', targetType: 'token', targetId: tokenId, after: { userId: id } };
    return t;
  }

  /** Revokes every active token of a user (a lost laptop, a person leaving the drill). */
  @Post('users/:id/tokens/revoke')
  @HttpCode(200)
  async revokeAll(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal, @Req() req: AuditedRequest) {
    const revoked = await this.users.revoke(id, undefined, p);
    req.audit = {
      action: 'token.revoke',
      targetType: 'user',
      targetId: id,
      after: { tokens: revoked.map((t) => t.id) },
    };
    return revoked;
  }
}
