import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, idCol, jsonCol, stringCol, textCol } from './helpers.js';

export class IsmReports1764115200004 implements MigrationInterface {
  name = 'IsmReports1764115200004';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ism_reports',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('authorUserId', 36),
          stringCol('teamId', 36, true),
          stringCol('inReplyTo', 36, true),
          stringCol('kind', 30),
          jsonCol('injectIds'),
          stringCol('title', 300),
          textCol('summary', true),
          stringCol('tlp', 20),
          stringCol('tlpAsSubmitted', 30),
          jsonCol('recipients'),
          jsonCol('classification', true),
          stringCol('determination', 20, true),
          stringCol('severity', 10, true),
          jsonCol('affectedAssets'),
          jsonCol('iocs'),
          jsonCol('timeline'),
          jsonCol('actions'),
          jsonCol('recommendations'),
          jsonCol('assistanceRequests'),
          bigintCol('submittedAt'),
          bigintCol('submittedScenarioMs'),
        ],
        foreignKeys: [
          { columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] },
          { columnNames: ['authorUserId'], referencedTableName: 'users', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createIndex('ism_reports', new TableIndex({ columnNames: ['exerciseId', 'submittedAt'] }));
    await q.createIndex('ism_reports', new TableIndex({ columnNames: ['exerciseId', 'teamId'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ism_reports');
  }
}
