import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, boolCol, idCol, jsonCol, stringCol, textCol } from './helpers.js';

/** Requests for assistance between teams and drill control, and their answers. */
export class Assistance1764115200013 implements MigrationInterface {
  name = 'Assistance1764115200013';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'assistance_requests',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('fromTeamId', 36, true),
          stringCol('requestedByUserId', 36, true),
          stringCol('fromLabel', 200, true),
          stringCol('toTeamId', 36, true),
          stringCol('injectId', 64, true),
          stringCol('kind', 20),
          textCol('text'),
          stringCol('tlp', 20),
          jsonCol('iocs'),
          boolCol('scripted'),
          stringCol('status', 20),
          bigintCol('requestedAt'),
          bigintCol('requestedScenarioMs'),
        ],
        foreignKeys: [
          { columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] },
          { columnNames: ['fromTeamId'], referencedTableName: 'teams', referencedColumnNames: ['id'] },
          { columnNames: ['toTeamId'], referencedTableName: 'teams', referencedColumnNames: ['id'] },
          { columnNames: ['requestedByUserId'], referencedTableName: 'users', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createIndex('assistance_requests', new TableIndex({ columnNames: ['exerciseId', 'requestedAt'] }));
    // A scripted request is made once per (inject, team): the release that makes it may be retried.
    await q.createIndex(
      'assistance_requests',
      new TableIndex({
        name: 'UQ_assistance_scripted',
        columnNames: ['exerciseId', 'injectId', 'toTeamId', 'scripted'],
        isUnique: true,
        where: '"scripted" = true',
      }),
    );
    await q.createTable(
      new Table({
        name: 'assistance_responses',
        columns: [
          idCol('id'),
          stringCol('requestId', 36),
          stringCol('byUserId', 36),
          stringCol('status', 20),
          textCol('text'),
          bigintCol('at'),
          bigintCol('scenarioMs'),
        ],
        foreignKeys: [
          {
            columnNames: ['requestId'],
            referencedTableName: 'assistance_requests',
            referencedColumnNames: ['id'],
          },
          { columnNames: ['byUserId'], referencedTableName: 'users', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createIndex('assistance_responses', new TableIndex({ columnNames: ['requestId', 'at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('assistance_responses');
    await q.dropTable('assistance_requests');
  }
}
