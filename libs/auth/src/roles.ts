import type { Role } from '@drill/contracts';

/** Drill control: the people who run and judge the drill and see everything in it. */
export const CONTROL_ROLES: readonly Role[] = ['controller', 'evaluator', 'observer'];

export function isControl(role: Role): boolean {
  return CONTROL_ROLES.includes(role);
}

export interface Principal {
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
  /** The token the request or socket came in with, and when it expires (null: when revoked): sockets close then. */
  tokenId?: string;
  tokenExpiresAt?: number | null;
}
