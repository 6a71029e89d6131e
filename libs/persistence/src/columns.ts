import type { ValueTransformer } from 'typeorm';

// Wall-clock instants are stored as epoch milliseconds: exact, portable between SQLite and PostgreSQL, and
// cheap to compare. PostgreSQL returns bigint as a string, hence the transformer.
export const epochMs: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};
