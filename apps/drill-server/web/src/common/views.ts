import type { ExerciseStatus, Role } from '@drill/contracts';
import type { ClockState } from './clock.js';

// What the consoles read of the REST answers they share (GET /api/me, /api/exercises…). The socket events are
// typed by @drill/contracts (socket.ts); these few views are the server's own and are described where they are read.

export interface Me {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
}

export interface TeamRef {
  id: string;
  code: string;
  name: string;
}

/** GET /api/exercises/:id. A participant sees only its own team in `teams`. */
export interface ExerciseView {
  id: string;
  name: string;
  status: ExerciseStatus;
  scenarioId: string;
  scenarioVersion: number;
  clock: ClockState;
  teams: TeamRef[];
}

/** One row of GET /api/exercises. */
export type ExerciseListItem = Pick<ExerciseView, 'id' | 'name' | 'status' | 'scenarioId'> & {
  clock: ClockState | null;
};
