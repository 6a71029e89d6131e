import { AuditEventEntity } from './audit-event.entity.js';
import { TeamEntity } from './team.entity.js';
import { UserEntity } from './user.entity.js';

export { AuditEventEntity, TeamEntity, UserEntity };
export const ENTITIES = [TeamEntity, UserEntity, AuditEventEntity];
