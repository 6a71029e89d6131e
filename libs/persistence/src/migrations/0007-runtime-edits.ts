import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, boolCol, stringCol } from './helpers.js';

/**
 * A controller's skip or retime of an inject, kept so that it also applies to deliveries armed later (a
 * conditional inject has no rows until its trigger arms them); and, per delivery, when its condition was met, so
 * that a retime can move its earliest time without losing the condition.
 */
export class RuntimeEdits1764115200007 implements MigrationInterface {
  name = 'RuntimeEdits1764115200007';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'inject_edits',
        columns: [
          { ...stringCol('exerciseId', 36), isPrimary: true },
          { ...stringCol('injectId', 100), isPrimary: true },
          boolCol('skipped'),
          bigintCol('offsetMs', true),
          stringCol('updatedBy', 36, true),
          bigintCol('updatedAt'),
        ],
        foreignKeys: [{ columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] }],
      }),
    );
    await q.addColumn('deliveries', new TableColumn(bigintCol('conditionScenarioMs', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('deliveries', 'conditionScenarioMs');
    await q.dropTable('inject_edits');
  }
}
