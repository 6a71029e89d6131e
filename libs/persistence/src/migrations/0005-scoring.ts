import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, idCol, stringCol, textCol } from './helpers.js';

const figure = (name: string) => ({ name, type: 'double precision', isNullable: true });

export class Scoring1764115200005 implements MigrationInterface {
  name = 'Scoring1764115200005';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'score_overrides',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('teamId', 36),
          stringCol('injectId', 100),
          figure('timeliness'),
          figure('completeness'),
          textCol('justification'),
          stringCol('byUserId', 36),
          bigintCol('at'),
        ],
        foreignKeys: [{ columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('score_overrides', new TableIndex({ columnNames: ['exerciseId', 'at'] }));
    await q.createTable(
      new Table({
        name: 'rating_overrides',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('objectiveId', 100),
          stringCol('teamId', 36, true),
          stringCol('rating', 1),
          textCol('justification'),
          stringCol('byUserId', 36),
          bigintCol('at'),
        ],
        foreignKeys: [{ columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('rating_overrides', new TableIndex({ columnNames: ['exerciseId', 'at'] }));
    // Scenario time of the acknowledgement, so scoring does not reconstruct it across pauses.
    await q.addColumn('deliveries', new TableColumn(bigintCol('acknowledgedScenarioMs', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('deliveries', 'acknowledgedScenarioMs');
    await q.dropTable('rating_overrides');
    await q.dropTable('score_overrides');
  }
}
