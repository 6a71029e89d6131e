/** Probes that `/health` asks besides the database (Redis, when cluster mode uses it). */
export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
export interface HealthProbe {
  name: string;
  /** Throws, with what is wrong, when down. */
  check(): Promise<void>;
  /**
   * false: a finding about the drills, not about this replica (a stalled exercise): reported, and the status says
   * `degraded`, but the replica stays ready (200) so a load balancer keeps routing to it.
   */
  readiness?: boolean;
}
