import { AarNoteEntity, AarPlanItemEntity, AarStateEntity } from './aar.entity.js';
import { AssistanceRequestEntity, AssistanceResponseEntity } from './assistance.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { ComcheckEntity, ComcheckReceiptEntity } from './comcheck.entity.js';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity.js';
import { ExerciseTeamEntity } from './exercise-team.entity.js';
import { ExerciseEntity } from './exercise.entity.js';
import { ParticipantFeedbackEntity } from './feedback.entity.js';
import { InjectEditEntity } from './inject-edit.entity.js';
import { IsmReportEntity } from './ism-report.entity.js';
import { ScenarioVersionEntity } from './scenario-version.entity.js';
import { RatingOverrideEntity, ScoreOverrideEntity } from './score-override.entity.js';
import { TeamEntity } from './team.entity.js';
import { TokenEntity } from './token.entity.js';
import { UserEntity } from './user.entity.js';

export {
  AarNoteEntity,
  AarPlanItemEntity,
  AarStateEntity,
  AssistanceRequestEntity,
  AssistanceResponseEntity,
  AuditEventEntity,
  ComcheckEntity,
  ComcheckReceiptEntity,
  DeliveryEntity,
  ExerciseEntity,
  ExerciseTeamEntity,
  InjectEditEntity,
  IsmReportEntity,
  ParticipantFeedbackEntity,
  RatingOverrideEntity,
  ScenarioVersionEntity,
  ScoreOverrideEntity,
  TeamEntity,
  TokenEntity,
  UserEntity,
};
export type { DeliveryStatus };
export const ENTITIES = [
  TeamEntity,
  UserEntity,
  TokenEntity,
  AuditEventEntity,
  ScenarioVersionEntity,
  ExerciseEntity,
  ExerciseTeamEntity,
  DeliveryEntity,
  InjectEditEntity,
  IsmReportEntity,
  ScoreOverrideEntity,
  RatingOverrideEntity,
  AarNoteEntity,
  AarPlanItemEntity,
  AarStateEntity,
  ParticipantFeedbackEntity,
  ComcheckEntity,
  ComcheckReceiptEntity,
  AssistanceRequestEntity,
  AssistanceResponseEntity,
];
