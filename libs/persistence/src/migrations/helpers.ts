import type { TableColumnOptions } from 'typeorm';

// Column builders shared by migrations, in types both SQLite and PostgreSQL understand.
export const idCol = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
export const stringCol = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
export const textCol = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
});
export const jsonCol = textCol; // simple-json is stored as text
export const bigintCol = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});
export const intCol = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: nullable,
});
export const boolCol = (name: string): TableColumnOptions => ({ name, type: 'boolean' });
