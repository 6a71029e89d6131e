// What drill control sets up before a drill — teams, their people and tokens — and the directory a report's
// author picks recipients from: the REST views the server answers with and the setup pages read.
import type { Role } from './vocab.js';

/**
 * The ITU Global Cybersecurity Index 2024 tiers the brief asks for (1 = role-modelling … 4 = evolving), the
 * measure capacity views group CERTs by.
 */
export const TEAM_TIERS = [1, 2, 3, 4] as const;
export type TeamTier = (typeof TEAM_TIERS)[number];
export const TEAM_TIER_LABELS: Readonly<Record<TeamTier, string>> = {
  1: 'Tier 1 — role-modelling',
  2: 'Tier 2 — advancing',
  3: 'Tier 3 — establishing',
  4: 'Tier 4 — evolving',
};

/** How many points of contact a team keeps: the duty officer, the head of the CERT, a deputy, a few liaisons. */
export const MAX_POINTS_OF_CONTACT = 10;

/** Someone drill control reaches at a CERT outside the drill's own channels (not a user of the drill). */
export interface PointOfContact {
  name: string;
  email?: string;
  phone?: string;
  role?: string;
}

/** GET/POST /api/teams, PATCH /api/teams/:id. */
export interface TeamView {
  id: string;
  code: string;
  name: string;
  country: string | null;
  tier: TeamTier | null;
  tags: string[];
  pointsOfContact: PointOfContact[];
}

/** One row of GET /api/users: who, in which role and team, and how many of their tokens sign in today. */
export interface UserView {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
  createdAt: string;
  activeTokens: number;
}

/** One token of a user as GET /api/users/:id/tokens lists it: never the token itself, only its first characters. */
export interface TokenView {
  id: string;
  userId: string;
  prefix: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

/** POST /api/users/:id/tokens: the new token, in this answer only. */
export interface IssuedToken extends TokenView {
  token: string;
}

/** POST /api/users: the new user and its first token, shown once. */
export interface CreatedUser {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
  token: string;
  tokenId: string;
}

/**
 * GET /api/exercises/:id/directory: the teams of an exercise and their people, by name, for addressing a report.
 * Names and team codes only: no contact details, no tokens. Drill control is not listed, as it reads every report.
 */
export interface ExerciseDirectory {
  teams: { id: string; code: string; name: string }[];
  people: { id: string; name: string; teamCode: string }[];
}

/** One row of GET /api/scenarios: a scenario and its saved versions. */
export interface ScenarioSummary {
  id: string;
  title: string;
  latestVersion: number;
  versions: number[];
  injects: number;
  updatedAt: string;
}
