import { Foundation0001 } from './0001-foundation.js';

// In order; a migration once released is never edited, only followed by a new one.
export const MIGRATIONS = [Foundation0001];
