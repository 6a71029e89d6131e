import { Foundation0001 } from './0001-foundation.js';
import { Scenarios1764115200002 } from './0002-scenarios.js';
import { Exercises1764115200003 } from './0003-exercises.js';
import { IsmReports1764115200004 } from './0004-ism.js';
import { Scoring1764115200005 } from './0005-scoring.js';
import { Aar1764115200006 } from './0006-aar.js';
import { RuntimeEdits1764115200007 } from './0007-runtime-edits.js';
import { Tokens1764115200008 } from './0008-tokens.js';
import { TeamProfile1764115200009 } from './0009-team-profile.js';
import { AarMarking1764115200010 } from './0010-aar-marking.js';
import { Comcheck1764115200011 } from './0011-comcheck.js';
import { ParticipantFeedback1764115200012 } from './0012-participant-feedback.js';
import { Assistance1764115200013 } from './0013-assistance.js';

// In order; a migration once released is never edited, only followed by a new one.
export const MIGRATIONS = [
  Foundation0001,
  Scenarios1764115200002,
  Exercises1764115200003,
  IsmReports1764115200004,
  Scoring1764115200005,
  Aar1764115200006,
  RuntimeEdits1764115200007,
  Tokens1764115200008,
  TeamProfile1764115200009,
  AarMarking1764115200010,
  Comcheck1764115200011,
  ParticipantFeedback1764115200012,
  Assistance1764115200013,
];
