import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, idCol, stringCol, textCol } from './helpers.js';

const exerciseFk = { columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] };

export class Aar1764115200006 implements MigrationInterface {
  name = 'Aar1764115200006';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'aar_notes',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('objectiveId', 100),
          stringCol('kind', 20),
          textCol('text'),
          stringCol('authorUserId', 36),
          bigintCol('at'),
        ],
        foreignKeys: [exerciseFk],
      }),
    );
    await q.createIndex('aar_notes', new TableIndex({ columnNames: ['exerciseId', 'at'] }));
    await q.createTable(
      new Table({
        name: 'aar_plan_items',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('objectiveId', 100, true),
          stringCol('capability', 200),
          textCol('issue'),
          textCol('correctiveAction'),
          stringCol('capabilityElement', 20),
          stringCol('responsibleTeamId', 36, true),
          stringCol('organisation', 200, true),
          stringCol('poc', 200, true),
          stringCol('startDate', 10, true),
          stringCol('dueDate', 10),
          stringCol('createdBy', 36),
          bigintCol('createdAt'),
        ],
        foreignKeys: [exerciseFk],
      }),
    );
    await q.createIndex('aar_plan_items', new TableIndex({ columnNames: ['exerciseId', 'createdAt'] }));
    await q.createTable(
      new Table({
        name: 'aar_states',
        columns: [
          { ...idCol('exerciseId') },
          stringCol('status', 20),
          bigintCol('publishedAt', true),
          stringCol('publishedBy', 36, true),
          textCol('snapshot', true),
        ],
        foreignKeys: [exerciseFk],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('aar_states');
    await q.dropTable('aar_plan_items');
    await q.dropTable('aar_notes');
  }
}
