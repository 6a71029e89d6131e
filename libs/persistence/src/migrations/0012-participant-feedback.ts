import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, boolCol, idCol, jsonCol, stringCol, textCol } from './helpers.js';

/** HSEEP participant feedback after ENDEX: one form per person per exercise. */
export class ParticipantFeedback1764115200012 implements MigrationInterface {
  name = 'ParticipantFeedback1764115200012';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'participant_feedback',
        columns: [
          idCol('id'),
          stringCol('exerciseId', 36),
          stringCol('userId', 36),
          stringCol('teamId', 36, true),
          jsonCol('objectiveRatings'),
          jsonCol('capabilityRatings'),
          textCol('strengths', true),
          textCol('improvements', true),
          boolCol('anonymous'),
          bigintCol('submittedAt'),
        ],
        foreignKeys: [{ columnNames: ['exerciseId'], referencedTableName: 'exercises', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex(
      'participant_feedback',
      new TableIndex({ columnNames: ['exerciseId', 'userId'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('participant_feedback');
  }
}
