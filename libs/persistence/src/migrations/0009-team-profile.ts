import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A team's GCI tier (capacity views group CERTs by it) and the people drill control reaches at the CERT outside
 * the drill. Existing teams get no tier and an empty list.
 *
 * Plain ALTER TABLE, which SQLite and PostgreSQL both do in place: TypeORM's addColumn/dropColumn rebuild a SQLite
 * table, and teams is the table users and enrolments point at, which a rebuild with foreign keys on (as on a revert)
 * refuses.
 */
export class TeamProfile1764115200009 implements MigrationInterface {
  name = 'TeamProfile1764115200009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE teams ADD COLUMN tier integer`);
    await q.query(`ALTER TABLE teams ADD COLUMN "pointsOfContact" text NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE teams DROP COLUMN "pointsOfContact"`);
    await q.query(`ALTER TABLE teams DROP COLUMN tier`);
  }
}
