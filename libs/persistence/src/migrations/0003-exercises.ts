import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, boolCol, idCol, intCol, jsonCol, stringCol } from './helpers.js';

export class Exercises1764115200003 implements MigrationInterface {
  name = 'Exercises1764115200003';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'exercises',
        columns: [
          idCol('id'),
          stringCol('name', 200),
          stringCol('scenarioId', 100),
          intCol('scenarioVersion'),
          stringCol('status', 20),
          { name: 'speed', type: 'double precision' },
          bigintCol('scheduledStartAt', true),
          bigintCol('startedAt', true),
          bigintCol('pausedAt', true),
          bigintCol('pausedTotalMs'),
          bigintCol('endedAt', true),
          intCol('epoch'),
          jsonCol('settings'),
          stringCol('createdBy', 36, true),
          bigintCol('createdAt'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'exercise_teams',
        columns: [
          { ...stringCol('exerciseId', 36), isPrimary: true },
          { ...stringCol('teamId', 36), isPrimary: true },
          intCol('lastSeq'),
        ],
        foreignKeys: [
          { columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] },
          { columnNames: ['teamId'], referencedTableName: 'teams', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'deliveries',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('injectId', 100),
          stringCol('teamId', 36),
          stringCol('status', 20),
          bigintCol('dueScenarioMs', true),
          bigintCol('dueAt', true),
          intCol('seq', true),
          bigintCol('releasedAt', true),
          bigintCol('releasedScenarioMs', true),
          stringCol('releasedBy', 40, true),
          boolCol('late'),
          bigintCol('deliveredAt', true),
          intCol('lagMs', true),
          bigintCol('acknowledgedAt', true),
          stringCol('acknowledgedBy', 36, true),
        ],
        foreignKeys: [
          {
            columnNames: ['exerciseId', 'teamId'],
            referencedTableName: 'exercise_teams',
            referencedColumnNames: ['exerciseId', 'teamId'],
          },
        ],
      }),
    );
    await q.createIndex(
      'deliveries',
      new TableIndex({ columnNames: ['exerciseId', 'injectId', 'teamId'], isUnique: true }),
    );
    await q.createIndex('deliveries', new TableIndex({ columnNames: ['exerciseId', 'teamId', 'seq'] }));
    await q.createIndex('deliveries', new TableIndex({ columnNames: ['exerciseId', 'status', 'dueScenarioMs'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('deliveries');
    await q.dropTable('exercise_teams');
    await q.dropTable('exercises');
  }
}
