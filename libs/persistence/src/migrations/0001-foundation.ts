import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, idCol, jsonCol, stringCol } from './helpers.js';

export class Foundation0001 implements MigrationInterface {
  name = 'Foundation1764115200001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'teams',
        columns: [
          idCol('id'),
          { ...stringCol('code', 32), isUnique: true },
          stringCol('name', 200),
          stringCol('country', 100, true),
          jsonCol('tags'),
          bigintCol('createdAt'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          idCol('id'),
          stringCol('name', 200),
          stringCol('role', 20),
          stringCol('teamId', 36, true),
          stringCol('tokenHash', 64),
          bigintCol('createdAt'),
        ],
        foreignKeys: [{ columnNames: ['teamId'], referencedTableName: 'teams', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('users', new TableIndex({ columnNames: ['tokenHash'], isUnique: true }));
    await q.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          bigintCol('at'),
          stringCol('actorUserId', 36, true),
          stringCol('actorRole', 20, true),
          stringCol('action', 80),
          stringCol('targetType', 40, true),
          stringCol('targetId', 200, true),
          stringCol('exerciseId', 36, true),
          jsonCol('before', true),
          jsonCol('after', true),
          stringCol('requestId', 64, true),
        ],
      }),
    );
    await q.createIndex('audit_events', new TableIndex({ columnNames: ['exerciseId', 'at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_events');
    await q.dropTable('users');
    await q.dropTable('teams');
  }
}
