import { Conflict, type ExerciseStatus } from '@drill/contracts';

export type LifecycleAction = 'schedule' | 'start' | 'pause' | 'resume' | 'complete' | 'abort';

// draft → scheduled → running ⇄ paused → completed | aborted
const ALLOWED: Record<LifecycleAction, { from: readonly ExerciseStatus[]; to: ExerciseStatus }> = {
  schedule: { from: ['draft'], to: 'scheduled' },
  start: { from: ['draft', 'scheduled'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  complete: { from: ['running', 'paused'], to: 'completed' },
  abort: { from: ['draft', 'scheduled', 'running', 'paused'], to: 'aborted' },
};

/** The status after `action`, or a Conflict (HTTP 409) saying why the transition is refused. */
export function nextStatus(current: ExerciseStatus, action: LifecycleAction): ExerciseStatus {
  const rule = ALLOWED[action];
  if (!rule.from.includes(current)) {
    throw new Conflict(`cannot ${action} an exercise that is ${current} (only when ${rule.from.join(' or ')})`);
  }
  return rule.to;
}

export function isLive(status: ExerciseStatus): boolean {
  return status === 'running' || status === 'paused';
}
