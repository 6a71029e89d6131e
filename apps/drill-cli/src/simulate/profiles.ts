/**
 * How each simulated team behaves. Times are scenario minutes after the inject was released to the team;
 * `T` is the inject's targetMinutes and `D` its deadlineMinutes. Probabilities are per inject (or per item).
 */
export const PROFILE_NAMES = ['diligent', 'slow', 'partial', 'noisy', 'silent'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(s);
}

export const PROFILE_DESCRIPTIONS: Record<ProfileName, string> = {
  diligent:
    'acknowledges within minutes, reports before the target with most IOCs, the right classification and well-structured content; answers requests for assistance fast and fulfils them',
  slow: 'as thorough as diligent but late: usually after the target, sometimes after the deadline; answers requests for assistance late',
  partial:
    'reports on time with about half the IOCs, the right RSIT class (often the wrong type) and few actions; accepts requests for assistance, often without fulfilling them',
  noisy:
    'quick and loud: reports decoys and unrelated IOCs, shares widely, sometimes under a looser TLP; asks for assistance often and sometimes declines without reason',
  silent:
    'acknowledges some injects and rarely, if ever, reports; never answers requests for assistance or the communications check',
};

/**
 * How a team deals with requests for assistance and drill control's communications check. Times of answers are
 * shares of the request's targets (1 = on the target), so a profile means the same under any scenario's targets.
 */
export interface Cooperation {
  /** Chance to answer a request it is asked at all. */
  answer: number;
  /** The first answer, as a share of the respond target. */
  respondAt: [number, number];
  /** Chance to decline instead of taking the request on, and the chance that a refusal says why. */
  decline: number;
  reasoned: number;
  /** Chance to fulfil a request it took on (else it stays accepted). */
  fulfil: number;
  /** The fulfilment, as a share of the fulfil target. */
  fulfilAt: [number, number];
  /** Chance to answer a scripted request as its answer key wants: its words, and refusing what must be refused. */
  care: number;
  /** Chance to ask another team for assistance on an inject that needs a response. */
  ask: number;
  /** Chance to confirm a communications check, and when (scenario minutes after it arrived). */
  confirm: number;
  confirmDelay: [number, number];
}

/** What a team puts into a full report. */
export interface ContentQuality {
  /** Chance to include each non-critical expected IOC. */
  iocShare: [number, number];
  /** Chance to include each critical expected IOC. */
  critical: number;
  /** Chance to write an IOC defanged (hxxp, [.]). */
  defang: number;
  /** Chance of the exact RSIT class and type; else `sameClass` chance of the right class with another type; else wrong. */
  classExact: number;
  sameClass: number;
  severityExact: number;
  /** When not exact: +1 (overstated) with this chance, else −1. */
  severityOverstate: number;
  actionShare: [number, number];
  /** Chance to name each expected recipient team. */
  recipients: number;
  /** Chance to share with every team instead of the named ones. */
  shareAll: number;
  /** Chance to mark the report one step looser than the answer key allows. */
  looserTlp: number;
  /** Chance to include each decoy. */
  decoys: number;
  /** How many unrelated IOCs to add. */
  extraIocs: [number, number];
  /** Chance to fill each structural field (timeline, affected assets, recommendations, determination). */
  structure: number;
}

export interface Behaviour {
  /** Chance to press "received" (inject.ack) at all, and when. */
  ack: number;
  ackDelay: [number, number];
  /** Chance to report on an inject that requires a response. */
  report: number;
  /** When the full report goes, as a draw over (T, D): see `reportTime` in responder.ts. */
  timing: 'early' | 'late' | 'anytime' | 'very-late';
  /** Chance to send an early warning first (when the answer key has something to warn about). */
  earlyWarning: number;
  quality: ContentQuality;
  cooperation: Cooperation;
}

export const BEHAVIOURS: Record<ProfileName, Behaviour> = {
  diligent: {
    ack: 1,
    ackDelay: [0.3, 2],
    report: 1,
    timing: 'early',
    earlyWarning: 0.45,
    quality: {
      iocShare: [0.8, 1],
      critical: 0.97,
      defang: 0.4,
      classExact: 0.95,
      sameClass: 1,
      severityExact: 0.9,
      severityOverstate: 0.5,
      actionShare: [0.75, 1],
      recipients: 0.95,
      shareAll: 0,
      looserTlp: 0,
      decoys: 0.03,
      extraIocs: [0, 1],
      structure: 0.95,
    },
    cooperation: {
      answer: 1,
      respondAt: [0.1, 0.5],
      decline: 0,
      reasoned: 1,
      fulfil: 0.95,
      fulfilAt: [0.15, 0.6],
      care: 0.95,
      ask: 0.45,
      confirm: 1,
      confirmDelay: [0.2, 2],
    },
  },
  slow: {
    ack: 0.95,
    ackDelay: [2, 8],
    report: 0.95,
    timing: 'late',
    earlyWarning: 0.15,
    quality: {
      iocShare: [0.7, 1],
      critical: 0.9,
      defang: 0.3,
      classExact: 0.85,
      sameClass: 0.8,
      severityExact: 0.8,
      severityOverstate: 0.5,
      actionShare: [0.6, 1],
      recipients: 0.85,
      shareAll: 0,
      looserTlp: 0.05,
      decoys: 0.05,
      extraIocs: [0, 1],
      structure: 0.85,
    },
    cooperation: {
      answer: 0.95,
      respondAt: [1.2, 2.4],
      decline: 0.05,
      reasoned: 1,
      fulfil: 0.8,
      fulfilAt: [0.8, 1.6],
      care: 0.85,
      ask: 0.15,
      confirm: 1,
      confirmDelay: [3, 12],
    },
  },
  partial: {
    ack: 0.9,
    ackDelay: [0.5, 4],
    report: 0.9,
    timing: 'anytime',
    earlyWarning: 0,
    quality: {
      iocShare: [0.4, 0.6],
      critical: 0.6,
      defang: 0.2,
      classExact: 0.5,
      sameClass: 1,
      severityExact: 0.6,
      severityOverstate: 0.5,
      actionShare: [0.2, 0.4],
      recipients: 0.5,
      shareAll: 0,
      looserTlp: 0.1,
      decoys: 0.1,
      extraIocs: [0, 0],
      structure: 0.35,
    },
    cooperation: {
      answer: 0.9,
      respondAt: [0.4, 1.3],
      decline: 0.1,
      reasoned: 0.8,
      fulfil: 0.35,
      fulfilAt: [0.4, 1],
      care: 0.5,
      ask: 0.15,
      confirm: 1,
      confirmDelay: [1, 6],
    },
  },
  noisy: {
    ack: 1,
    ackDelay: [0.2, 2],
    report: 0.95,
    timing: 'early',
    earlyWarning: 0.5,
    quality: {
      iocShare: [0.7, 0.95],
      critical: 0.9,
      defang: 0.5,
      classExact: 0.6,
      sameClass: 0.6,
      severityExact: 0.5,
      severityOverstate: 0.9,
      actionShare: [0.5, 0.8],
      recipients: 0.9,
      shareAll: 0.35,
      looserTlp: 0.45,
      decoys: 0.85,
      extraIocs: [2, 5],
      structure: 0.8,
    },
    cooperation: {
      answer: 0.95,
      respondAt: [0.1, 0.6],
      decline: 0.3,
      reasoned: 0,
      fulfil: 0.75,
      fulfilAt: [0.2, 0.8],
      care: 0.6,
      ask: 0.5,
      confirm: 1,
      confirmDelay: [0.2, 2],
    },
  },
  silent: {
    ack: 0.5,
    ackDelay: [3, 15],
    report: 0.08,
    timing: 'very-late',
    earlyWarning: 0,
    quality: {
      iocShare: [0.2, 0.4],
      critical: 0.3,
      defang: 0.1,
      classExact: 0.4,
      sameClass: 0.5,
      severityExact: 0.4,
      severityOverstate: 0.5,
      actionShare: [0, 0.3],
      recipients: 0.2,
      shareAll: 0,
      looserTlp: 0.1,
      decoys: 0.1,
      extraIocs: [0, 0],
      structure: 0.2,
    },
    cooperation: {
      answer: 0,
      respondAt: [2, 4],
      decline: 0,
      reasoned: 0,
      fulfil: 0,
      fulfilAt: [2, 3],
      care: 0.1,
      ask: 0,
      confirm: 0,
      confirmDelay: [10, 30],
    },
  },
};

/** Parses `--profiles diligent,noisy,…` (cycled over the roster). */
export function parseProfiles(list: string): ProfileName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !isProfileName(n));
  if (bad.length || names.length === 0) {
    throw new RangeError(
      `profiles must be a comma-separated list of ${PROFILE_NAMES.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`,
    );
  }
  return names as ProfileName[];
}
