import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { formatScenarioTime, scenarioMsAt, type ClockState } from '@drill/exercise';
import type { ExerciseEntity } from '@drill/persistence';
import { ExerciseRepository } from './exercise.repository.js';
import type { ExerciseStatePayload } from './live-channel.js';

export function clockOf(ex: ExerciseEntity): ClockState {
  return { speed: ex.speed, startedAt: ex.startedAt, pausedAt: ex.pausedAt, pausedTotalMs: ex.pausedTotalMs };
}

export function statePayload(ex: ExerciseEntity, now = Date.now()): ExerciseStatePayload {
  const ms = scenarioMsAt(clockOf(ex), ex.status === 'running' || ex.status === 'paused' ? now : (ex.endedAt ?? now));
  return {
    exerciseId: ex.id,
    status: ex.status,
    speed: ex.speed,
    scenarioMs: Math.floor(ms),
    scenarioTime: formatScenarioTime(ms),
    wallTime: new Date(now).toISOString(),
  };
}

/**
 * The drill's one clock. In PostgreSQL deployments it is the database's clock (start, pause, release,
 * acknowledgement), so that replicas whose host clocks disagree compute the same scenario time; on SQLite it is the
 * host's. Each read of the database's clock also measures this host's offset from it, so that `now()` and timers
 * planned on the host's clock need no round trip.
 */
@Injectable()
export class DrillClock {
  /** Database clock minus this host's clock, as last measured (0 on SQLite, where the host's clock is the clock). */
  private skewMs = 0;

  constructor(private readonly exercises: ExerciseRepository) {}

  /** The drill's clock now, read from the database on PostgreSQL. */
  async clockNow(m?: EntityManager): Promise<number> {
    if (!this.exercises.postgres) return Date.now();
    const sent = Date.now();
    const now = await this.exercises.databaseNow(m);
    this.measureSkew(now, sent);
    return now;
  }

  /** The drill's clock without a round trip: this host's clock corrected by the last measured offset. */
  now(): number {
    return Date.now() + this.skewMs;
  }

  /** An instant of this host's clock (a socket receipt) on the drill's clock. */
  fromHost(hostMs: number): number {
    return Math.round(hostMs + this.skewMs);
  }

  /** An instant of the drill's clock on this host's clock (timers and BullMQ delays run on it). */
  toHost(drillMs: number): number {
    return drillMs - this.skewMs;
  }

  /** The exercise read inside a transaction under a row lock (PostgreSQL), with the drill's clock at that moment. */
  async readLocked(
    m: EntityManager,
    exerciseId: string,
    lock: 'share' | 'update',
  ): Promise<{ ex: ExerciseEntity; now: number }> {
    const sent = Date.now();
    const { ex, dbNow } = await this.exercises.readLocked(m, exerciseId, lock);
    if (dbNow === undefined) return { ex, now: Date.now() };
    this.measureSkew(dbNow, sent);
    return { ex, now: dbNow };
  }

  /** Remembers the database's clock minus this host's, taking the read as made half-way through its round trip. */
  private measureSkew(dbNow: number, sentAt: number): void {
    this.skewMs = dbNow - Math.round((sentAt + Date.now()) / 2);
  }
}
