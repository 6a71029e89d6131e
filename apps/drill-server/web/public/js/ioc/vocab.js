// Generated from libs/contracts/src/vocab.ts by scripts/web-ioc.mjs: edit the library, not this file.
// Small closed vocabularies shared by scenarios, reports, scoring and the wire.
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const ROLES = ['controller', 'evaluator', 'participant', 'observer'];
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
];
export const REPORT_KINDS = [
  'acknowledgement',
  'early-warning',
  'notification',
  'update',
  'final',
  'request-for-assistance',
  'advisory',
];
export const DETERMINATIONS = ['suspected', 'confirmed', 'false-positive'];
export const EXERCISE_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'aborted'];
