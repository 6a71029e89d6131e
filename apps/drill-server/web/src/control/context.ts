// What every part of the control board shares: who watches, which exercise, and the board's model.
import type { IsmReportView } from '@drill/contracts';
import { DrillClock } from '../common/clock.js';
import { byId } from '../common/dom.js';
import { formatScenario } from '../common/format.js';
import { exerciseIdFromUrl, requireUser, setupHeader } from '../common/page.js';
import type { ExerciseView, TeamRef } from '../common/views.js';
import type { Cell, InjectColumn } from './msel.js';

export const exerciseId = exerciseIdFromUrl();
export const me = await requireUser(['controller', 'evaluator', 'observer']);
setupHeader(me);
/** Evaluators and observers watch; only controllers change the exercise. */
export const canControl = me.role === 'controller';

export type { Cell, DeliveryStatus, InjectColumn, Progress } from './msel.js';

export const state: {
  exercise: ExerciseView | null;
  status: string;
  /** The clock's speed: ages on the board are wall deltas times this, in scenario time. */
  speed: number;
  teams: TeamRef[];
  /** In the grid's column order (msel.ts: scenario time, then conditional injects not armed yet). */
  injects: InjectColumn[];
  view: 'grid' | 'timeline';
  /**
   * What the side panel shows: the selected inject's preview (for the selected team, when opened from its cell) or
   * the selected team's drill-down; null when it is closed.
   */
  detail: 'inject' | 'team' | null;
  /** `${teamId}|${injectId}` → its cell. */
  cells: Map<string, Cell>;
  /** Team id → consoles open. */
  presence: Map<string, number>;
  /** Team id → score percentage. */
  scores: Map<string, number | null>;
  feed: Map<string, IsmReportView>;
  selectedInject: string;
  selectedTeam: string;
  cellEls: Map<string, HTMLButtonElement>;
} = {
  exercise: null,
  status: 'draft',
  speed: 1,
  teams: [],
  injects: [],
  view: 'grid',
  detail: null,
  cells: new Map(),
  presence: new Map(),
  scores: new Map(),
  feed: new Map(),
  selectedInject: '',
  selectedTeam: '',
  cellEls: new Map(),
};

export const cellKey = (teamId: string, injectId: string) => `${teamId}|${injectId}`;

export const clock = new DrillClock((_, ms) => {
  byId('clock').textContent = formatScenario(ms);
});
