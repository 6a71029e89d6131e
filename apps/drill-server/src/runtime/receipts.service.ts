import { Injectable } from '@nestjs/common';
import { Conflict, NotFound, type DeliveryEvent } from '@drill/contracts';
import { scenarioMsAt } from '@drill/exercise';
import { AuditService } from '../audit/audit.service.js';
import { DeliveryRepository } from './delivery.repository.js';
import { clockOf, DrillClock } from './drill-clock.js';
import { ExerciseRepository } from './exercise.repository.js';
import { LiveChannel } from './live-channel.js';
import { ScenarioCache } from './scenario-cache.js';

const iso = (v: number | null) => (v === null ? undefined : new Date(v).toISOString());

/**
 * A released inject's receipts: delivered (the first client's socket ack) and acknowledged (a person said
 * "received"). Each is recorded once and moves the delivery on, released → delivered → acknowledged, never back;
 * an acknowledgement implies delivery (a console may acknowledge before its receipt comes back), so deliveredAt is
 * never after acknowledgedAt. The control room's live board is told of each.
 */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly clock: DrillClock,
    private readonly scenarios: ScenarioCache,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
  ) {}

  /**
   * The first client's receipt marks the delivery delivered (an acknowledged one keeps its status and the delivery
   * time its acknowledgement gave it); later receipts change nothing.
   */
  async markDelivered(exerciseId: string, teamId: string, injectId: string, hostAt: number): Promise<void> {
    const at = this.clock.fromHost(hostAt);
    if (await this.deliveries.markDelivered(exerciseId, teamId, injectId, at))
      this.live.toControl(exerciseId, 'delivery', await this.deliveryEvent(exerciseId, teamId, injectId));
  }

  /**
   * Records the team's acknowledgement of a released inject. True for the first acknowledgement, false for a repeat
   * (idempotent: consoles retry); NotFound, naming `/injectId`, when the inject was never released to the team.
   */
  async acknowledge(exerciseId: string, teamId: string, injectId: string, userId: string): Promise<boolean> {
    const ex = await this.exercises.get(exerciseId);
    // After ENDEX the timeline is what the AAR reports; a late "received" would rewrite it.
    if (ex.status !== 'running' && ex.status !== 'paused')
      throw new Conflict(`the exercise is ${ex.status}; injects are acknowledged while it runs or is paused`);
    const at = this.clock.now();
    const acknowledgedScenarioMs = Math.floor(scenarioMsAt(clockOf(ex), at));
    const first = await this.deliveries.markAcknowledged(exerciseId, teamId, injectId, {
      acknowledgedAt: at,
      acknowledgedBy: userId,
      acknowledgedScenarioMs,
    });
    if (!first) {
      if (await this.deliveries.isReleased(exerciseId, teamId, injectId)) return false;
      const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
      const message = pinned.injects.has(injectId)
        ? `inject ${injectId} has not been released to your team`
        : `the scenario has no inject ${injectId}`;
      throw new NotFound(message, [{ path: '/injectId', message }]);
    }
    await this.audit.record({
      actorUserId: userId,
      actorRole: 'participant',
      action: 'inject.acknowledge',
      targetType: 'inject',
      targetId: injectId,
      exerciseId,
      after: { teamId },
      at,
    });
    this.live.toControl(exerciseId, 'delivery', await this.deliveryEvent(exerciseId, teamId, injectId));
    return true;
  }

  private async deliveryEvent(exerciseId: string, teamId: string, injectId: string): Promise<DeliveryEvent> {
    const d = await this.deliveries.find(exerciseId, injectId, teamId);
    return {
      teamId,
      injectId,
      seq: d.seq,
      status: d.status,
      releasedAt: iso(d.releasedAt),
      deliveredAt: iso(d.deliveredAt),
      acknowledgedAt: iso(d.acknowledgedAt),
      lagMs: d.lagMs,
    };
  }
}
