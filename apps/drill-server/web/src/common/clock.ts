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
  private receivedWall = 0;

  constructor(private readonly onTick: (state: ClockState, scenarioMs: number) => void) {
    setInterval(() => this.tick(), 1000);
  }

  update(state: ClockState): void {
    this.state = state;
    this.receivedAt = performance.now();
    this.receivedWall = Date.now();
    this.tick();
  }

  get scenarioMs(): number {
    if (!this.state) return 0;
    const running = this.state.status === 'running';
    return this.state.scenarioMs + (running ? (performance.now() - this.receivedAt) * this.state.speed : 0);
  }

  /**
   * The wall instant (epoch ms) the clock will reach `scenarioMs` at, if it keeps running at its speed; undefined
   * while it is not running (a paused clock gives no time). Counted from the state's arrival, like `scenarioMs`, so
   * it holds still between states instead of jittering with each tick.
   */
  wallAt(scenarioMs: number): number | undefined {
    if (this.state?.status !== 'running' || !(this.state.speed > 0)) return undefined;
    return this.receivedWall + (scenarioMs - this.state.scenarioMs) / this.state.speed;
  }

  private tick(): void {
    if (this.state) this.onTick(this.state, this.scenarioMs);
  }
}
