import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isControl, type Principal } from '@drill/auth';
import {
  Conflict,
  Forbidden,
  NotFound,
  parseTlp,
  ValidationFailed,
  type AssistanceAnswer,
  type AssistanceKind,
  type AssistanceParty,
  type AssistanceRequestView,
  type AssistanceStatus,
  type CooperationView,
  type FieldProblem,
  type IocType,
  type TlpLabel,
} from '@drill/contracts';
import { formatScenarioTime, scenarioMsAt } from '@drill/exercise';
import { normaliseIoc } from '@drill/ioc';
import {
  answersAssistance,
  assistanceAudience,
  canSeeAssistance,
  checkAssistanceTlp,
  nextAssistanceAnswers,
  type AssistanceParties,
} from '@drill/ism';
import { AssistanceRequestEntity, AssistanceResponseEntity, type ExerciseEntity } from '@drill/persistence';
import { median } from '@drill/reporting';
import { DEFAULT_COOPERATION, type Inject as ScenarioInject, type Scenario } from '@drill/scenario';
import { scoreCooperation, type CooperationRequestInput } from '@drill/scoring';
import { AuditService } from '../audit/audit.service.js';
import { DeliveryRepository } from '../runtime/delivery.repository.js';
import { clockOf, ExerciseRuntime, type Releasing } from '../runtime/exercise-runtime.js';
import { ExercisesService } from '../runtime/exercises.service.js';
import { LiveChannel } from '../runtime/live-channel.js';
import { ScenarioCache } from '../runtime/scenario-cache.js';
import { ScoringService } from '../scoring/scoring.service.js';
import type { CreateAssistanceDto, RespondAssistanceDto } from './assistance.dto.js';
import { AssistanceRepository } from './assistance.repository.js';

const partiesOf = (r: AssistanceRequestEntity): AssistanceParties => ({ ...r, tlp: r.tlp as TlpLabel });
const takesRequests = (ex: ExerciseEntity) => ex.status === 'running' || ex.status === 'paused';
const CONTROL = 'control';

interface Team {
  id: string;
  code: string;
  name: string;
}

/** What a view is built from, read once per call. */
interface Context {
  ex: ExerciseEntity;
  scenario: Scenario;
  injects: Map<string, ScenarioInject>;
  teams: Map<string, Team>;
}

/**
 * Requests for assistance: a team asks another team or drill control (and drill control asks a team, itself or
 * scripted in the scenario as a foreign CERT), the asked party answers, and the cooperation score measures how.
 * The rules of who reads and answers are @drill/ism's; scoring is @drill/scoring's.
 */
@Injectable()
export class AssistanceService implements OnModuleInit {
  private readonly log = new Logger('assistance');

  constructor(
    private readonly requests: AssistanceRepository,
    private readonly exercises: ExercisesService,
    private readonly runtime: ExerciseRuntime,
    private readonly scenarios: ScenarioCache,
    private readonly deliveries: DeliveryRepository,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
    private readonly scoring: ScoringService,
  ) {}

  onModuleInit(): void {
    // A scripted request exists exactly when its inject was released to the team: made in the same transaction.
    this.runtime.inReleaseTransaction({
      wants: (inject) => inject.assistance !== undefined,
      run: (m, ex, releases) => this.makeScripted(m, ex, releases),
    });
    this.runtime.onReleased((ex, teamId, inject) => {
      if (inject.assistance)
        this.announceScripted(ex.id, inject.id, teamId).catch((e: unknown) => this.log.error(e as Error));
    });
    this.scoring.useCooperation((exerciseId) => this.cooperationOf(exerciseId));
  }

  async create(
    exerciseId: string,
    p: Principal,
    dto: CreateAssistanceDto,
    requestId?: string,
  ): Promise<AssistanceRequestView> {
    const ctx = await this.context(exerciseId, p);
    if (!takesRequests(ctx.ex))
      throw new Conflict(`the exercise is ${ctx.ex.status}; requests for assistance are made while it runs`);
    const problems: FieldProblem[] = [];
    const fromTeamId = isControl(p.role) ? null : p.teamId;
    let toTeamId: string | null = null;
    if (dto.to === CONTROL) {
      if (fromTeamId === null) problems.push({ path: '/to', message: 'drill control cannot ask itself' });
    } else {
      const team = [...ctx.teams.values()].find((t) => t.code === dto.to);
      if (!team) problems.push({ path: '/to', message: `team ${dto.to} is not in this exercise (or "control")` });
      else if (team.id === fromTeamId) problems.push({ path: '/to', message: 'a team cannot ask itself' });
      else toTeamId = team.id;
    }
    const tlp = parseTlp(dto.tlp);
    if (!tlp)
      problems.push({
        path: '/tlp',
        message: `"${dto.tlp}" is not a TLP 2.0 label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)`,
      });
    let inject: ScenarioInject | undefined;
    if (dto.injectId !== undefined) {
      inject = ctx.injects.get(dto.injectId);
      if (!inject) problems.push({ path: '/injectId', message: `the scenario has no inject ${dto.injectId}` });
      else if (fromTeamId !== null && !(await this.deliveries.releasedInjectIds(exerciseId, fromTeamId)).has(inject.id))
        problems.push({ path: '/injectId', message: `inject ${inject.id} has not been released to your team` });
    }
    const loosened = tlp && checkAssistanceTlp(tlp, inject);
    if (loosened) problems.push(loosened);
    const iocs = (dto.iocs ?? []).flatMap((ioc, n) => {
      const norm = normaliseIoc(ioc.type, ioc.value);
      if (norm.ok) return [{ type: ioc.type, value: norm.value }];
      problems.push({
        path: `/iocs/${n}/value`,
        message: `IOC ${n + 1} (${ioc.type} "${ioc.value}"): ${norm.message}`,
      });
      return [];
    });
    if (problems.length || !tlp)
      throw new ValidationFailed('the request for assistance cannot be made as written', problems);

    const now = this.runtime.now();
    const row: AssistanceRequestEntity = Object.assign(new AssistanceRequestEntity(), {
      id: randomUUID(),
      exerciseId,
      fromTeamId,
      requestedByUserId: p.userId,
      fromLabel: null,
      toTeamId,
      injectId: inject?.id ?? null,
      kind: dto.kind,
      text: dto.text,
      tlp,
      iocs,
      scripted: false,
      status: 'open',
      requestedAt: now,
      requestedScenarioMs: Math.floor(scenarioMsAt(clockOf(ctx.ex), now)),
    });
    await this.requests.transaction(async (m) => {
      await this.requests.insert(m, row);
      await this.audit.record(
        {
          actorUserId: p.userId,
          actorRole: p.role,
          action: 'assistance.request',
          targetType: 'assistance',
          targetId: row.id,
          exerciseId,
          after: { to: dto.to, kind: row.kind, tlp, injectId: row.injectId, iocs: iocs.length },
          requestId: requestId ?? null,
          at: now,
        },
        m,
      );
    });
    const [view] = await this.views(ctx, [row]);
    this.announce('assistance.request', row, view!);
    return view!;
  }

  async respond(
    exerciseId: string,
    p: Principal,
    id: string,
    dto: RespondAssistanceDto,
    requestId?: string,
  ): Promise<AssistanceRequestView> {
    const ctx = await this.context(exerciseId, p);
    const row = await this.visible(exerciseId, p, id);
    if (!answersAssistance(row, p))
      throw new Forbidden(
        row.toTeamId === null
          ? 'only a controller answers a request to drill control'
          : 'only the asked team’s participants answer a request for assistance',
      );
    if (!takesRequests(ctx.ex))
      throw new Conflict(`the exercise is ${ctx.ex.status}; requests for assistance are answered while it runs`);
    const allowed = nextAssistanceAnswers(row.status as AssistanceStatus);
    const now = this.runtime.now();
    const response: AssistanceResponseEntity = {
      id: randomUUID(),
      requestId: row.id,
      byUserId: p.userId,
      status: dto.status,
      text: dto.text,
      at: now,
      scenarioMs: Math.floor(scenarioMsAt(clockOf(ctx.ex), now)),
    };
    const answered =
      allowed.includes(dto.status) &&
      (await this.requests.transaction(async (m) => {
        if (!(await this.requests.answer(m, response, [row.status]))) return false;
        await this.audit.record(
          {
            actorUserId: p.userId,
            actorRole: p.role,
            action: 'assistance.respond',
            targetType: 'assistance',
            targetId: row.id,
            exerciseId,
            before: { status: row.status },
            after: { status: dto.status },
            requestId: requestId ?? null,
            at: now,
          },
          m,
        );
        return true;
      }));
    if (!answered) {
      // Someone else of the team answered meanwhile, or the answer does not follow from where the request stands.
      const current = (await this.requests.find(exerciseId, id))!.status as AssistanceStatus;
      const next = nextAssistanceAnswers(current);
      throw new Conflict(
        `the request is ${current}; ` +
          (next.length ? `it can now be ${next.join(' or ')}, not ${dto.status}` : 'it takes no further answer'),
        [{ path: '/status', message: `${dto.status} does not follow ${current}` }],
      );
    }
    row.status = dto.status;
    const [view] = await this.views(ctx, [row]);
    this.announce('assistance.update', row, view!);
    return view!;
  }

  /** The requests `p` may read, oldest first. */
  async list(exerciseId: string, p: Principal): Promise<AssistanceRequestView[]> {
    const ctx = await this.context(exerciseId, p);
    const rows = (await this.requests.listOf(exerciseId)).filter((r) => canSeeAssistance(partiesOf(r), p));
    return this.views(ctx, rows);
  }

  async one(exerciseId: string, p: Principal, id: string): Promise<AssistanceRequestView> {
    const ctx = await this.context(exerciseId, p);
    return (await this.views(ctx, [await this.visible(exerciseId, p, id)]))[0]!;
  }

  /** Every request of the exercise and each team's cooperation, read once, for the after-action report. */
  async forReport(
    exerciseId: string,
  ): Promise<{ assistance: AssistanceRequestView[]; cooperation: Map<string, CooperationView> }> {
    const ctx = await this.contextOf(exerciseId);
    const assistance = await this.views(ctx, await this.requests.listOf(exerciseId));
    return { assistance, cooperation: this.cooperationFrom(ctx, assistance) };
  }

  /** Each enrolled team's cooperation figures and score as the asked party. */
  async cooperationOf(exerciseId: string): Promise<Map<string, CooperationView>> {
    return (await this.forReport(exerciseId)).cooperation;
  }

  private cooperationFrom(ctx: Context, views: readonly AssistanceRequestView[]): Map<string, CooperationView> {
    const out = new Map<string, CooperationView>();
    for (const team of ctx.teams.values()) {
      const asked = views.filter((v) => v.to.teamId === team.id);
      const inputs: CooperationRequestInput[] = asked.map((v) => {
        const key = v.scripted && v.injectId ? ctx.injects.get(v.injectId)?.assistance : undefined;
        return {
          requestId: v.id,
          fromCode: v.from.code,
          kind: v.kind,
          injectId: v.injectId,
          scripted: v.scripted,
          status: v.status,
          toFirstResponseMinutes: v.toFirstResponseMinutes,
          toFulfilmentMinutes: v.toFulfilmentMinutes,
          answers: v.responses.map((a) => a.text),
          targets: v.targets,
          ...(key ? { expect: { status: key.expect.status, mentions: key.expect.mentions } } : {}),
        };
      });
      const scored = scoreCooperation(inputs);
      const times = (f: (v: AssistanceRequestView) => number | null) =>
        median(asked.map(f).filter((x): x is number => x !== null));
      out.set(team.id, {
        score: scored.score,
        asked: asked.length,
        sent: views.filter((v) => v.from.teamId === team.id).length,
        answered: asked.filter((v) => v.toFirstResponseMinutes !== null).length,
        fulfilled: asked.filter((v) => v.status === 'fulfilled').length,
        medianToFirstResponseMinutes: times((v) => v.toFirstResponseMinutes),
        medianToFulfilmentMinutes: times((v) => v.toFulfilmentMinutes),
        requests: scored.requests,
        explanation: scored.explanation,
      });
    }
    return out;
  }

  private async makeScripted(m: EntityManager, ex: ExerciseEntity, releases: Releasing[]): Promise<void> {
    await this.requests.insertScripted(
      m,
      releases.map(({ teamId, inject, releasedAt, releasedScenarioMs }) =>
        Object.assign(new AssistanceRequestEntity(), {
          id: randomUUID(),
          exerciseId: ex.id,
          fromTeamId: null,
          requestedByUserId: null,
          fromLabel: inject.from ?? null,
          toTeamId: teamId,
          injectId: inject.id,
          kind: inject.assistance!.kind,
          text: inject.assistance!.text ?? inject.title,
          tlp: inject.tlp,
          iocs: inject.assistance!.iocs.map((i) => ({ type: i.type, value: i.value })),
          scripted: true,
          status: 'open',
          requestedAt: releasedAt,
          requestedScenarioMs: releasedScenarioMs,
        }),
      ),
    );
  }

  private async announceScripted(exerciseId: string, injectId: string, teamId: string): Promise<void> {
    const row = await this.requests.findScripted(exerciseId, injectId, teamId);
    if (!row) return;
    const [view] = await this.views(await this.contextOf(exerciseId), [row]);
    this.announce('assistance.request', row, view!);
  }

  private announce(
    event: 'assistance.request' | 'assistance.update',
    row: AssistanceRequestEntity,
    view: AssistanceRequestView,
  ) {
    this.live.toAudience(row.exerciseId, assistanceAudience(partiesOf(row)), event, view);
  }

  /** The request if `p` may read it; 404 otherwise (a request one cannot read does not exist for one). */
  private async visible(exerciseId: string, p: Principal, id: string): Promise<AssistanceRequestEntity> {
    const row = await this.requests.find(exerciseId, id);
    if (!row || !canSeeAssistance(partiesOf(row), p))
      throw new NotFound(`no request for assistance ${id} that you can see in this exercise`);
    return row;
  }

  private async context(exerciseId: string, p: Principal): Promise<Context> {
    await this.exercises.forViewer(exerciseId, p);
    return this.contextOf(exerciseId);
  }

  private async contextOf(exerciseId: string): Promise<Context> {
    const ex = await this.runtime.load(exerciseId);
    const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const teams = await this.exercises.teamsOf(exerciseId);
    return { ex, scenario: pinned.scenario, injects: pinned.injects, teams: new Map(teams.map((t) => [t.id, t])) };
  }

  private async views(ctx: Context, rows: readonly AssistanceRequestEntity[]): Promise<AssistanceRequestView[]> {
    const responses = await this.requests.responsesOf(rows.map((r) => r.id));
    const names = await this.requests.namesOf([
      ...responses.map((r) => r.byUserId),
      ...rows.flatMap((r) => (r.requestedByUserId ? [r.requestedByUserId] : [])),
    ]);
    const byRequest = new Map<string, AssistanceResponseEntity[]>();
    for (const r of responses) byRequest.set(r.requestId, [...(byRequest.get(r.requestId) ?? []), r]);
    const party = (teamId: string | null, label: string | null): AssistanceParty => {
      const team = teamId === null ? undefined : ctx.teams.get(teamId);
      if (team) return { teamId: team.id, code: team.code, name: team.name };
      return { teamId, code: teamId === null ? CONTROL : '?', name: label ?? 'Drill control' };
    };
    const minutes = (from: number, to: number) => (to - from) / 60_000;
    return rows.map((r) => {
      const answers = byRequest.get(r.id) ?? [];
      const first = answers[0];
      const fulfilled = answers.find((a) => a.status === 'fulfilled');
      const key = r.scripted && r.injectId ? ctx.injects.get(r.injectId)?.assistance : undefined;
      return {
        id: r.id,
        exerciseId: r.exerciseId,
        from: party(r.fromTeamId, r.fromLabel),
        to: party(r.toTeamId, null),
        requestedBy: r.requestedByUserId
          ? { userId: r.requestedByUserId, name: names.get(r.requestedByUserId) ?? r.requestedByUserId }
          : null,
        injectId: r.injectId,
        kind: r.kind as AssistanceKind,
        text: r.text,
        tlp: r.tlp as TlpLabel,
        iocs: r.iocs.map((i) => ({ type: i.type as IocType, value: i.value })),
        scripted: r.scripted,
        status: r.status as AssistanceStatus,
        requestedAt: new Date(r.requestedAt).toISOString(),
        requestedScenarioTime: formatScenarioTime(r.requestedScenarioMs),
        toFirstResponseMinutes: first ? minutes(r.requestedScenarioMs, first.scenarioMs) : null,
        toFulfilmentMinutes: fulfilled ? minutes(r.requestedScenarioMs, fulfilled.scenarioMs) : null,
        targets: {
          respondMinutes:
            key?.expect.respondMinutes ??
            ctx.scenario.cooperation?.respondMinutes ??
            DEFAULT_COOPERATION.respondMinutes,
          fulfilMinutes:
            key?.expect.fulfilMinutes ?? ctx.scenario.cooperation?.fulfilMinutes ?? DEFAULT_COOPERATION.fulfilMinutes,
        },
        responses: answers.map((a) => ({
          id: a.id,
          status: a.status as AssistanceAnswer,
          text: a.text,
          byUserId: a.byUserId,
          byName: names.get(a.byUserId) ?? a.byUserId,
          at: new Date(a.at).toISOString(),
          scenarioTime: formatScenarioTime(a.scenarioMs),
          afterMinutes: minutes(r.requestedScenarioMs, a.scenarioMs),
        })),
      };
    });
  }
}
