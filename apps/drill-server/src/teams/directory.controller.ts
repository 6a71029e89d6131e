import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@drill/auth';
import type { ExerciseDirectory } from '@drill/contracts';
import { CurrentUser } from '../auth/decorators.js';
import { TeamsService } from './teams.service.js';

@ApiTags('teams')
@ApiBearerAuth()
@Controller('api/exercises')
export class DirectoryController {
  constructor(private readonly teams: TeamsService) {}

  /** The exercise's teams and their people by name, so a report's author picks recipients without knowing ids. */
  @Get(':id/directory')
  directory(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() p: Principal): Promise<ExerciseDirectory> {
    return this.teams.directory(id, p);
  }
}
