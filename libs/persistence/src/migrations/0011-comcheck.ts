import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, idCol, stringCol } from './helpers.js';

/** Communications checks and each person's receipt of them (reached, confirmed). */
export class Comcheck1764115200011 implements MigrationInterface {
  name = 'Comcheck1764115200011';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'comchecks',
        columns: [idCol('id'), stringCol('exerciseId', 36), stringCol('sentByUserId', 36), bigintCol('sentAt')],
        foreignKeys: [
          { columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] },
          { columnNames: ['sentByUserId'], referencedTableName: 'users', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createIndex('comchecks', new TableIndex({ columnNames: ['exerciseId', 'sentAt'] }));
    await q.createTable(
      new Table({
        name: 'comcheck_receipts',
        columns: [
          idCol('comcheckId'),
          idCol('userId'),
          stringCol('teamId', 36),
          bigintCol('reachedAt', true),
          bigintCol('confirmedAt', true),
          stringCol('confirmedVia', 10, true),
        ],
        foreignKeys: [
          { columnNames: ['comcheckId'], referencedTableName: 'comchecks', referencedColumnNames: ['id'] },
          { columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'] },
          { columnNames: ['teamId'], referencedTableName: 'teams', referencedColumnNames: ['id'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('comcheck_receipts');
    await q.dropTable('comchecks');
  }
}
