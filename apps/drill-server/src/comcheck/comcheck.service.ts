import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isControl, type Principal } from '@drill/auth';
import { Conflict, Forbidden, NotFound, type ComcheckPayload, type ExerciseStatus } from '@drill/contracts';
import {
  comcheckOfRecord,
  comcheckStatus,
  latestComcheck,
  pendingComcheck,
  type ComcheckRecord,
  type ComcheckStatus,
} from '@drill/exercise';
import type { ComcheckEntity } from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { ExerciseRuntime } from '../runtime/exercise-runtime.js';
import { ExercisesService } from '../runtime/exercises.service.js';
import { exerciseRoom, LiveChannel, type DrillSocket } from '../runtime/live-channel.js';
import { ComcheckRepository } from './comcheck.repository.js';

/** How long a console has to acknowledge the event before it counts as not reached (by this sending). */
const REACH_TIMEOUT_MS = 30_000;

/** Inter-replica message: "send this check to your own participant sockets of the exercise". */
export const COMCHECK_SIGNAL = 'drill:comcheck';

const ENDED: readonly ExerciseStatus[] = ['completed', 'aborted'];

export interface ComcheckOverview {
  /** The newest check, per team and per person; null before the first. */
  latest: ComcheckStatus | null;
  /** Every check, oldest first, with its totals. */
  checks: { id: string; sentAt: string; totals: ComcheckStatus['totals'] }[];
}

export interface ConfirmResult {
  ok: true;
  firstConfirmation: boolean;
  confirmedAt: string;
}

/**
 * The communications check: drill control sends it (before STARTEX or at any time until the drill ends), every
 * participant of every enrolled team gets a `comcheck` event (a console that connects before they confirm gets it
 * on connect), the console's acknowledgement marks them reached, and their confirmation (socket or HTTP) is timed.
 */
@Injectable()
export class ComcheckService {
  private readonly log = new Logger('comcheck');
  private readonly clustered: boolean;

  constructor(
    private readonly checks: ComcheckRepository,
    private readonly exercises: ExercisesService,
    private readonly runtime: ExerciseRuntime,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
    @Inject(DRILL_CONFIG) config: DrillConfig,
  ) {
    this.clustered = config.redisUrl !== undefined;
  }

  async send(exerciseId: string, p: Principal, requestId?: string): Promise<ComcheckStatus> {
    const ex = await this.exercises.forViewer(exerciseId, p);
    if (ENDED.includes(ex.status))
      throw new Conflict(`the exercise is ${ex.status}; a communications check is sent until the drill ends`);
    const roll = await this.checks.rollOf(exerciseId);
    const check: ComcheckEntity = { id: randomUUID(), exerciseId, sentByUserId: p.userId, sentAt: this.runtime.now() };
    await this.checks.transaction(async (m) => {
      await this.checks.insert(
        m,
        check,
        roll.map((u) => ({ userId: u.id, teamId: u.teamId! })),
      );
      await this.audit.record(
        {
          actorUserId: p.userId,
          actorRole: p.role,
          action: 'comcheck.send',
          targetType: 'comcheck',
          targetId: check.id,
          exerciseId,
          after: { participants: roll.length, teams: new Set(roll.map((u) => u.teamId)).size },
          requestId: requestId ?? null,
          at: check.sentAt,
        },
        m,
      );
    });
    const payload = this.payloadOf(check);
    this.deliverLocally(payload);
    // Every replica serves its own sockets (the typed namespace knows only the runtime's inter-replica events).
    const replicas = this.live.namespace as unknown as
      { serverSideEmit(e: string, p: ComcheckPayload): void } | undefined;
    if (this.clustered) replicas?.serverSideEmit(COMCHECK_SIGNAL, payload);
    return (await this.statusesOf(exerciseId, [check], []))[0]!;
  }

  /** Sends the check to this replica's participant sockets of the exercise (every replica does the same). */
  deliverLocally(payload: ComcheckPayload): void {
    const ns = this.live.namespace;
    for (const id of ns?.adapter.rooms.get(exerciseRoom(payload.exerciseId)) ?? []) {
      const socket = ns!.sockets.get(id);
      if (socket && this.answers(socket.data.principal)) this.sendTo(socket, payload);
    }
  }

  /** A participant's console connecting after a check it has not confirmed: it gets the check now. */
  async onConnect(socket: DrillSocket): Promise<void> {
    const { principal, exerciseId } = socket.data;
    if (!principal || !this.answers(principal)) return;
    const ex = await this.runtime.load(exerciseId);
    if (ENDED.includes(ex.status)) return;
    const checks = await this.checks.listOf(exerciseId);
    if (!checks.length) return;
    const pending = pendingComcheck(checks, await this.checks.confirmedBy(exerciseId, principal.userId));
    if (pending && socket.connected) this.sendTo(socket, this.payloadOf(pending));
  }

  async confirm(
    exerciseId: string,
    p: Principal,
    comcheckId: string,
    via: 'socket' | 'http',
    requestId?: string,
  ): Promise<ConfirmResult> {
    if (!this.answers(p)) throw new Forbidden('only participants confirm a communications check');
    const ex = await this.exercises.forViewer(exerciseId, p);
    const check = await this.checks.find(exerciseId, comcheckId);
    if (!check) throw new NotFound(`no communications check ${comcheckId} in this exercise`);
    if (ENDED.includes(ex.status))
      throw new Conflict(`the exercise is ${ex.status}; a communications check is confirmed until the drill ends`);
    const at = this.runtime.now();
    const { first, receipt } = await this.checks.confirm(comcheckId, p.userId, p.teamId!, at, via, (m) =>
      this.audit.record(
        {
          actorUserId: p.userId,
          actorRole: p.role,
          action: 'comcheck.confirm',
          targetType: 'comcheck',
          targetId: comcheckId,
          exerciseId,
          after: { teamId: p.teamId, via, confirmMs: at - check.sentAt },
          requestId: requestId ?? null,
          at,
        },
        m,
      ),
    );
    const confirmedAt = new Date(receipt.confirmedAt!).toISOString();
    if (first)
      this.live.toControl(exerciseId, 'comcheck.update', {
        exerciseId,
        comcheckId,
        teamId: p.teamId!,
        userId: p.userId,
        reachedAt: new Date(receipt.reachedAt ?? receipt.confirmedAt!).toISOString(),
        confirmedAt,
      });
    return { ok: true, firstConfirmation: first, confirmedAt };
  }

  /** The latest check per team and per person, and the list of checks (drill control). */
  async overview(exerciseId: string, p: Principal): Promise<ComcheckOverview> {
    await this.exercises.forViewer(exerciseId, p);
    const checks = await this.checks.listOf(exerciseId);
    const latest = latestComcheck(checks);
    const receipts = await this.checks.receiptsOf(checks.map((c) => c.id));
    const statuses = await this.statusesOf(exerciseId, checks, receipts);
    return {
      latest: latest ? statuses[checks.indexOf(latest)]! : null,
      checks: statuses.map((s) => ({ id: s.id, sentAt: s.sentAt, totals: s.totals })),
    };
  }

  /** The check the after-action report goes by (the latest sent before the drill ended), or null. */
  async ofRecord(exerciseId: string, endedAt: number | null): Promise<ComcheckStatus | null> {
    const check = comcheckOfRecord(await this.checks.listOf(exerciseId), endedAt);
    if (!check) return null;
    return (await this.statusesOf(exerciseId, [check], await this.checks.receiptsOf([check.id])))[0]!;
  }

  /** Per team and per person, for each check, against today's roll (the participants of the enrolled teams). */
  private async statusesOf(
    exerciseId: string,
    checks: readonly ComcheckRecord[],
    receipts: Parameters<typeof comcheckStatus>[3],
  ): Promise<ComcheckStatus[]> {
    const [teams, roll] = await Promise.all([this.exercises.teamsOf(exerciseId), this.checks.rollOf(exerciseId)]);
    const people = roll.map((u) => ({ userId: u.id, name: u.name, teamId: u.teamId! }));
    return checks.map((c) => comcheckStatus(c, teams, people, receipts));
  }

  /** Participants answer a check; drill control sends and reads it. */
  private answers(p: Principal | undefined): p is Principal & { teamId: string } {
    return !!p && p.teamId !== null && !isControl(p.role);
  }

  private payloadOf(check: ComcheckEntity): ComcheckPayload {
    return { exerciseId: check.exerciseId, comcheckId: check.id, sentAt: new Date(check.sentAt).toISOString() };
  }

  private sendTo(socket: DrillSocket, payload: ComcheckPayload): void {
    const { principal, exerciseId } = socket.data;
    socket.timeout(REACH_TIMEOUT_MS).emit('comcheck', payload, (err) => {
      if (err) return; // not reached by this sending; a reconnect before they confirm sends it again
      const at = this.runtime.now();
      this.checks
        .markReached(payload.comcheckId, principal.userId, principal.teamId!, at)
        .then((first) => {
          if (first)
            this.live.toControl(exerciseId, 'comcheck.update', {
              exerciseId,
              comcheckId: payload.comcheckId,
              teamId: principal.teamId!,
              userId: principal.userId,
              reachedAt: new Date(at).toISOString(),
            });
        })
        .catch((e: unknown) => this.log.error(e as Error));
    });
  }
}
