import { Module } from '@nestjs/common';
import { TeamsModule } from '../teams/teams.module.js';
import { AuthModule } from './auth.module.js';
import { UserRepository } from './user.repository.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** Users and their tokens (`/api/users`, `/api/me`), and the first controller of an empty database. */
@Module({
  imports: [AuthModule, TeamsModule],
  controllers: [UsersController],
  providers: [UsersService, UserRepository],
})
export class UsersModule {}
