import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bigintCol, idCol, stringCol } from './helpers.js';

/**
 * Bearer tokens get a table of their own, so that a user can hold several (a laptop and a phone, a re-issued one)
 * and each can expire or be revoked without touching the user. Every existing user's token moves over unchanged.
 */
export class Tokens1764115200008 implements MigrationInterface {
  name = 'Tokens1764115200008';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'tokens',
        columns: [
          idCol('id'),
          stringCol('userId', 36),
          stringCol('tokenHash', 64),
          // The first characters after `drl_`: enough to tell tokens apart in a list, too few to guess one.
          stringCol('prefix', 12),
          stringCol('label', 100, true),
          bigintCol('createdAt'),
          stringCol('createdBy', 36, true),
          bigintCol('expiresAt', true),
          bigintCol('revokedAt', true),
          stringCol('revokedBy', 36, true),
        ],
        foreignKeys: [{ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('tokens', new TableIndex({ columnNames: ['tokenHash'], isUnique: true }));
    await q.createIndex('tokens', new TableIndex({ columnNames: ['userId'] }));
    // The old tokens' prefixes are unknown (only hashes were kept); '' says so.
    await q.query(
      `INSERT INTO tokens (id, "userId", "tokenHash", prefix, label, "createdAt") ` +
        `SELECT id, id, "tokenHash", '', 'first token', "createdAt" FROM users`,
    );
    const users = await q.getTable('users');
    const index = users?.indices.find((i) => i.columnNames.length === 1 && i.columnNames[0] === 'tokenHash');
    if (index) await q.dropIndex('users', index);
    await q.dropColumn('users', 'tokenHash');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN "tokenHash" varchar(64)`);
    // One token per user again: the earliest still valid, else the earliest.
    await q.query(
      `UPDATE users SET "tokenHash" = (SELECT t."tokenHash" FROM tokens t WHERE t."userId" = users.id ` +
        `ORDER BY (t."revokedAt" IS NULL) DESC, t."createdAt" LIMIT 1)`,
    );
    await q.createIndex('users', new TableIndex({ columnNames: ['tokenHash'], isUnique: true }));
    await q.dropTable('tokens');
  }
}
