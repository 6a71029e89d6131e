import { Module } from '@nestjs/common';
import { TeamRepository } from './team.repository.js';
import { TeamsController } from './teams.controller.js';
import { TeamsService } from './teams.service.js';

/** The CERT teams of every drill: enrolment (`/api/teams`); users look up the team a participant joins. */
@Module({
  controllers: [TeamsController],
  providers: [TeamsService, TeamRepository],
  exports: [TeamRepository],
})
export class TeamsModule {}
