import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { AuthService } from './auth.service.js';
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
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Post('users')
  @HttpCode(201)
  @Roles('controller')
  async create(@Body() dto: CreateUserDto, @Req() req: AuditedRequest) {
    const u = await this.auth.createUser(dto);
    // The token is returned once and not audited.
    req.audit = { targetType: 'user', targetId: u.id, after: { name: u.name, role: u.role, teamId: u.teamId } };
    return { id: u.id, name: u.name, role: u.role, teamId: u.teamId, token: u.token };
  }

  @Get('me')
  me(@CurrentUser() p: Principal) {
    return { id: p.userId, name: p.name, role: p.role, teamId: p.teamId };
  }
}
