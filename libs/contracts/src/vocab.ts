// Small closed vocabularies shared by scenarios, reports, scoring and the wire.
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ROLES = ['controller', 'evaluator', 'participant', 'observer'] as const;
export type Role = (typeof ROLES)[number];

// MISP-style attribute types accepted in answer keys and ISM reports.
export const IOC_TYPES = [
  'ip-src',
  'ip-dst',
  'ip-dst|port',
  'domain',
  'hostname',
  'url',
  'md5',
  'sha1',
  'sha256',
  'email-src',
  'filename',
  'vulnerability',
  'AS',
] as const;
export type IocType = (typeof IOC_TYPES)[number];

export const REPORT_KINDS = [
  'acknowledgement',
  'early-warning',
  'notification',
  'update',
  'final',
  'request-for-assistance',
  'advisory',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const DETERMINATIONS = ['suspected', 'confirmed', 'false-positive'] as const;
export type Determination = (typeof DETERMINATIONS)[number];

export const EXERCISE_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'aborted'] as const;
export type ExerciseStatus = (typeof EXERCISE_STATUSES)[number];

/**
 * A delivery's way through the drill: planned (`scheduled`, or `armed` on a condition), then `released` to the team,
 * `delivered` (a console of the team received it) and `acknowledged` (a person said "received"; it implies
 * delivery). `skipped` and `not-triggered` end it without a release.
 */
export const DELIVERY_STATUSES = [
  'scheduled',
  'armed',
  'released',
  'delivered',
  'acknowledged',
  'skipped',
  'not-triggered',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The statuses of a delivery that has been released: `released` and every step after it. */
export const RELEASED_STATUSES = ['released', 'delivered', 'acknowledged'] as const satisfies readonly DeliveryStatus[];

/** Whether a delivery in this status was released to its team (and may since have been delivered, acknowledged). */
export const wasReleased = (status: string | null | undefined): boolean =>
  (RELEASED_STATUSES as readonly string[]).includes(status ?? '');
