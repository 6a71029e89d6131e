import { Module } from '@nestjs/common';
import { DirectoryController } from './directory.controller.js';
import { TeamRepository } from './team.repository.js';
import { TeamsController } from './teams.controller.js';
import { TeamsService } from './teams.service.js';

/**
 * The CERT teams of every drill: their records (`/api/teams`) and the directory of an exercise's teams and people
 * (`/api/exercises/:id/directory`); users look up the team a participant joins.
 */
@Module({
  controllers: [TeamsController, DirectoryController],
  providers: [TeamsService, TeamRepository],
  exports: [TeamRepository],
})
export class TeamsModule {}
