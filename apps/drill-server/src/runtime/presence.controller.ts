import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { isControl, type Principal } from '@drill/auth';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ExercisesService } from './exercises.service.js';
import { exerciseRoom, LiveChannel } from './live-channel.js';

export interface PresenceView {
  exerciseId: string;
  /** Every enrolled team, with 0 when none of its people has the console open. */
  teams: { teamId: string; code: string; name: string; connected: number }[];
  /** Sockets of drill control (controllers, evaluators, observers). */
  control: number;
  total: number;
  at: string;
}

/**
 * Who has a console open, per team, for the control board. One fetchSockets() over the exercise room rather than
 * one per team: with the Redis adapter each call is a round trip to every replica, and 20 teams would be 20 of them.
 */
@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/exercises')
export class PresenceController {
  constructor(
    private readonly exercises: ExercisesService,
    private readonly live: LiveChannel,
  ) {}

  @Get(':id/presence')
  @Roles('controller', 'evaluator', 'observer')
  async presence(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() viewer: Principal): Promise<PresenceView> {
    await this.exercises.forViewer(id, viewer); // 404 for an unknown exercise
    const teams = await this.exercises.teamsOf(id);
    const counts = new Map<string, number>();
    let control = 0;
    let total = 0;
    const ns = this.live.namespace;
    // fetchSockets spans replicas under the Redis adapter; with the in-memory adapter it is this process's sockets.
    const sockets = ns ? await ns.in(exerciseRoom(id)).fetchSockets() : [];
    for (const s of sockets) {
      const p = (s.data as { principal?: Principal } | undefined)?.principal;
      if (!p) continue;
      total++;
      if (isControl(p.role)) control++;
      else if (p.teamId) counts.set(p.teamId, (counts.get(p.teamId) ?? 0) + 1);
    }
    return {
      exerciseId: id,
      teams: teams.map((t) => ({ teamId: t.id, code: t.code, name: t.name, connected: counts.get(t.id) ?? 0 })),
      control,
      total,
      at: new Date().toISOString(),
    };
  }
}
