import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AssistanceRequestEntity, AssistanceResponseEntity, UserEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/** Requests for assistance and their answers. A request's `status` moves only by a conditional update. */
@Injectable()
export class AssistanceRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  async insert(m: EntityManager, request: AssistanceRequestEntity): Promise<void> {
    await m.insert(AssistanceRequestEntity, request);
  }

  /** Scripted requests, made by their inject's release; a retried release makes none twice (unique index). */
  async insertScripted(m: EntityManager, requests: readonly AssistanceRequestEntity[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 100)
      await m
        .createQueryBuilder()
        .insert()
        .into(AssistanceRequestEntity)
        .values(requests.slice(i, i + 100))
        .orIgnore()
        .execute();
  }

  listOf(exerciseId: string): Promise<AssistanceRequestEntity[]> {
    return this.ds
      .getRepository(AssistanceRequestEntity)
      .find({ where: { exerciseId }, order: { requestedAt: 'ASC', id: 'ASC' } });
  }

  find(exerciseId: string, id: string): Promise<AssistanceRequestEntity | null> {
    return this.ds.getRepository(AssistanceRequestEntity).findOneBy({ id, exerciseId });
  }

  /** The scripted request an inject's release made for a team. */
  findScripted(exerciseId: string, injectId: string, toTeamId: string): Promise<AssistanceRequestEntity | null> {
    return this.ds.getRepository(AssistanceRequestEntity).findOneBy({ exerciseId, injectId, toTeamId, scripted: true });
  }

  responsesOf(requestIds: readonly string[]): Promise<AssistanceResponseEntity[]> {
    if (!requestIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(AssistanceResponseEntity)
      .find({ where: { requestId: In([...requestIds]) }, order: { at: 'ASC', id: 'ASC' } });
  }

  /**
   * Records an answer if the request is still in one of `from` (two people answering at once: one wins, the other
   * is told the request moved on). Returns false when it was not.
   */
  async answer(m: EntityManager, response: AssistanceResponseEntity, from: readonly string[]): Promise<boolean> {
    const moved = await m
      .createQueryBuilder()
      .update(AssistanceRequestEntity)
      .set({ status: response.status })
      .where('id = :id AND status IN (:...from)', { id: response.requestId, from: [...from] })
      .execute();
    if (!moved.affected) return false;
    await m.insert(AssistanceResponseEntity, response);
    return true;
  }

  /** Display names of people, by id. */
  async namesOf(userIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(userIds)];
    if (!ids.length) return new Map();
    const users = await this.ds
      .getRepository(UserEntity)
      .find({ where: { id: In(ids) }, select: { id: true, name: true } });
    return new Map(users.map((u) => [u.id, u.name]));
  }
}
