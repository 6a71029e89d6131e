import type { ExerciseStatePayload } from '@drill/contracts';

/** What the clock needs of an exercise state: the `exercise.state` event, an exercise view's or a timeline's clock. */
export type ClockState = Pick<ExerciseStatePayload, 'status' | 'speed' | 'scenarioMs'>;

/**
 * The drill clock, ticking locally between `exercise.state` messages. It counts from when a state arrived (not the
 * server's wall time), so a client whose clock is off still shows the right scenario time.
 */
export class DrillClock {
  private state: ClockState | null = null;
  private receivedAt = 0;

  constructor(private readonly onTick: (state: ClockState, scenarioMs: number) => void) {
    setInterval(() => this.tick(), 1000);
  }

  update(state: ClockState): void {
    this.state = state;
    this.receivedAt = performance.now();
    this.tick();
  }

  get scenarioMs(): number {
    if (!this.state) return 0;
    const running = this.state.status === 'running';
    return this.state.scenarioMs + (running ? (performance.now() - this.receivedAt) * this.state.speed : 0);
  }

  private tick(): void {
    if (this.state) this.onTick(this.state, this.scenarioMs);
  }
}
