import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { stringCol } from './helpers.js';

/**
 * The AAR's own TLP marking, chosen by an evaluator while it is a draft (null: the default, TLP:AMBER). A published
 * report keeps the marking it was published with inside its frozen copy.
 */
export class AarMarking1764115200010 implements MigrationInterface {
  name = 'AarMarking1764115200010';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('aar_states', new TableColumn(stringCol('marking', 20, true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('aar_states', 'marking');
  }
}
