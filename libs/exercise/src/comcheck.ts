// The communications check: drill control asks every participant of every enrolled team to confirm they can be
// reached, and reads back who was reached, who confirmed and how fast. Point-of-contact reachability is the first
// thing a cross-border drill tests; these rules say what the figures mean, the server only stores the instants.

/** One check as stored: when drill control sent it (epoch ms). */
export interface ComcheckRecord {
  id: string;
  sentAt: number;
  sentByUserId: string;
}

/** One person's receipt of one check (epoch ms; null: not yet). */
export interface ComcheckReceipt {
  comcheckId: string;
  userId: string;
  /** A console of theirs acknowledged the event's delivery. */
  reachedAt: number | null;
  /** They pressed "Confirm" (socket or HTTP). */
  confirmedAt: number | null;
}

export interface ComcheckParticipant {
  userId: string;
  name: string;
  teamId: string;
}

export interface ComcheckTeam {
  id: string;
  code: string;
  name: string;
}

export interface ComcheckPersonStatus {
  userId: string;
  name: string;
  reached: boolean;
  /** ISO; a confirmation counts as reaching them, at the latest then. */
  reachedAt: string | null;
  confirmed: boolean;
  confirmedAt: string | null;
  /** Wall milliseconds from the check's sending to their confirmation. */
  confirmMs: number | null;
}

export interface ComcheckTeamStatus {
  teamId: string;
  code: string;
  name: string;
  participants: number;
  /** At least one person of the team was reached: the team can be contacted. */
  reached: boolean;
  reachedPeople: number;
  /** At least one person of the team confirmed: the point of contact answers. */
  confirmed: boolean;
  confirmedPeople: number;
  /** The team's first confirmation, ms after sending: how fast the team answers drill control. */
  confirmMs: number | null;
  people: ComcheckPersonStatus[];
}

export interface ComcheckStatus {
  id: string;
  sentAt: string;
  sentByUserId: string;
  teams: ComcheckTeamStatus[];
  totals: { teams: number; reached: number; confirmed: number; participants: number; confirmedPeople: number };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function personStatus(check: ComcheckRecord, p: ComcheckParticipant, r: ComcheckReceipt | undefined) {
  const confirmedAt = r?.confirmedAt ?? null;
  // A confirmation implies the check reached them, as an acknowledgement implies an inject's delivery.
  const reachedAt = r?.reachedAt ?? confirmedAt;
  return {
    userId: p.userId,
    name: p.name,
    reached: reachedAt !== null,
    reachedAt: iso(reachedAt),
    confirmed: confirmedAt !== null,
    confirmedAt: iso(confirmedAt),
    confirmMs: confirmedAt === null ? null : Math.max(0, confirmedAt - check.sentAt),
  } satisfies ComcheckPersonStatus;
}

/**
 * Where one check stands, per team (in the order given) and per person (by name). The participants given are the
 * roll: receipts of anyone else are ignored, so the figures answer "of the people who should answer, who did".
 */
export function comcheckStatus(
  check: ComcheckRecord,
  teams: readonly ComcheckTeam[],
  participants: readonly ComcheckParticipant[],
  receipts: readonly ComcheckReceipt[],
): ComcheckStatus {
  const byUser = new Map(receipts.filter((r) => r.comcheckId === check.id).map((r) => [r.userId, r]));
  const rows = teams.map((t): ComcheckTeamStatus => {
    const people = participants
      .filter((p) => p.teamId === t.id)
      .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId))
      .map((p) => personStatus(check, p, byUser.get(p.userId)));
    const times = people.flatMap((p) => (p.confirmMs === null ? [] : [p.confirmMs]));
    return {
      teamId: t.id,
      code: t.code,
      name: t.name,
      participants: people.length,
      reached: people.some((p) => p.reached),
      reachedPeople: people.filter((p) => p.reached).length,
      confirmed: times.length > 0,
      confirmedPeople: times.length,
      confirmMs: times.length ? Math.min(...times) : null,
      people,
    };
  });
  return {
    id: check.id,
    sentAt: new Date(check.sentAt).toISOString(),
    sentByUserId: check.sentByUserId,
    teams: rows,
    totals: {
      teams: rows.length,
      reached: rows.filter((t) => t.reached).length,
      confirmed: rows.filter((t) => t.confirmed).length,
      participants: rows.reduce((n, t) => n + t.participants, 0),
      confirmedPeople: rows.reduce((n, t) => n + t.confirmedPeople, 0),
    },
  };
}

/** The newest check (by sending time, then id so that ties are stable), or undefined when none was sent. */
export function latestComcheck<C extends ComcheckRecord>(checks: readonly C[]): C | undefined {
  return checks.reduce<C | undefined>(
    (best, c) => (!best || c.sentAt > best.sentAt || (c.sentAt === best.sentAt && c.id > best.id) ? c : best),
    undefined,
  );
}

/**
 * The check the AAR reports reachability from: the latest one sent before the drill ended (before STARTEX or
 * during it); checks sent after ENDEX test nothing the drill relied on. `endedAt` null: the drill has not ended.
 */
export function comcheckOfRecord<C extends ComcheckRecord>(
  checks: readonly C[],
  endedAt: number | null,
): C | undefined {
  return latestComcheck(endedAt === null ? checks : checks.filter((c) => c.sentAt <= endedAt));
}

/**
 * Whether a person still owes an answer to the latest check: only the latest is pending (a newer check supersedes
 * an older one), and only until they confirm it. What a console connecting late is sent.
 */
export function pendingComcheck<C extends ComcheckRecord>(
  checks: readonly C[],
  confirmedByThem: ReadonlySet<string>,
): C | undefined {
  const latest = latestComcheck(checks);
  return latest && !confirmedByThem.has(latest.id) ? latest : undefined;
}

/** A time to confirm as people read it (consoles and the AAR): seconds under two minutes, minutes above. */
export function confirmTime(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}
