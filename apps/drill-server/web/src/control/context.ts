// What every part of the control board shares: who watches, which exercise, and the board's model.
import type { IsmReportView } from '@drill/contracts';
import { DrillClock } from '../common/clock.js';
import { byId } from '../common/dom.js';
import { formatScenario } from '../common/format.js';
import { exerciseIdFromUrl, requireUser, setupHeader } from '../common/page.js';
import type { ExerciseView, TeamRef } from '../common/views.js';

export const exerciseId = exerciseIdFromUrl();
export const me = await requireUser(['controller', 'evaluator', 'observer']);
setupHeader(me);
/** Evaluators and observers watch; only controllers change the exercise. */
export const canControl = me.role === 'controller';

/** A column of the board: an inject of the scenario (or, for observers, one seen in a live event). */
export interface InjectColumn {
  id: string;
  title: string;
  offset?: string;
  offsetSeconds?: number;
  responseRequired?: boolean;
  deadlineMinutes?: number | null;
  /** Present on conditional injects. */
  trigger?: unknown;
}

export type DeliveryStatus = 'scheduled' | 'armed' | 'released' | 'skipped' | 'not-triggered';

/** A cell: one delivery, as the timeline lists it and live events update it, plus when the team first reported. */
export interface Cell {
  teamId: string;
  injectId: string;
  status?: DeliveryStatus;
  seq?: number | null;
  dueScenarioMs?: number | null;
  releasedScenarioMs?: number | null;
  releasedAt?: string | null;
  deliveredAt?: string | null;
  acknowledgedAt?: string | null;
  reportedAt?: string;
}

export const state: {
  exercise: ExerciseView | null;
  status: string;
  teams: TeamRef[];
  injects: InjectColumn[];
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
  teams: [],
  injects: [],
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
