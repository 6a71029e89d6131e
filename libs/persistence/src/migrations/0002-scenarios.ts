import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, idCol, intCol, jsonCol, stringCol, textCol } from './helpers.js';

export class Scenarios1764115200002 implements MigrationInterface {
  name = 'Scenarios1764115200002';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'scenario_versions',
        columns: [
          idCol('id'),
          stringCol('scenarioId', 100),
          intCol('version'),
          stringCol('title', 300),
          textCol('source'),
          stringCol('sourceFormat', 10),
          jsonCol('definition'),
          stringCol('createdBy', 36, true),
          bigintCol('createdAt'),
        ],
      }),
    );
    await q.createIndex(
      'scenario_versions',
      new TableIndex({ columnNames: ['scenarioId', 'version'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scenario_versions');
  }
}
