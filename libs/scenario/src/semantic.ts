import { IOC_TYPES, isRsitClass, isRsitPair, RSIT, type IocType } from '@drill/contracts';
import { iocFamily, normaliseIoc, type NormalisedIoc } from '@drill/ioc';
import type { Problem } from './ajv-messages.js';
import { formatOffset, parseOffset } from './offset.js';
import type { PathSegment } from './positions.js';

// Rules JSON Schema cannot express: uniqueness, references between injects, the trigger graph, IOC syntax,
// RSIT class/type pairs, time budgets. They run on whatever parts of the document are well-formed, so that one
// pass reports schema and semantic problems together.

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

const TRIGGER_KINDS = ['after', 'ifNoReport', 'ifReportMatches'] as const;
/** How many ids a message lists before it stops. */
const LISTED = 20;

export type Normalise = (type: IocType, value: string) => NormalisedIoc;

/** One normaliser per validation: answer keys repeat values (decoys, shared infrastructure) and both passes need them. */
export function memoNormalise(): Normalise {
  const cache = new Map<string, NormalisedIoc>();
  return (type, value) => {
    const k = `${type}\u0000${value}`;
    let r = cache.get(k);
    if (r === undefined) cache.set(k, (r = normaliseIoc(type, value)));
    return r;
  };
}

/** Describes where a path is in the source, for messages such as "first defined at line 40". */
export type Describe = (path: readonly PathSegment[]) => string;

interface TriggerRef {
  kind: (typeof TRIGGER_KINDS)[number];
  target: string;
  spec: Obj;
  path: PathSegment[];
}

export function semanticProblems(doc: unknown, describe: Describe, normalise: Normalise = normaliseIoc): Problem[] {
  const out: Problem[] = [];
  const add = (path: PathSegment[], message: string) => out.push({ path, message, anchor: 'value' });
  if (!isObj(doc)) return out;

  const plannedSeconds =
    str(doc['plannedDuration']) !== undefined ? parseOffset(doc['plannedDuration'] as string) : undefined;

  // Phases and objectives: unique ids.
  const phaseIds = uniqueIds(list(doc['phases']), 'phases', 'phase', describe, add);
  // Listed once, and briefly: every inject with an unknown phase repeats the list.
  const phaseList = [...phaseIds].slice(0, LISTED).join(', ') + (phaseIds.size > LISTED ? ', …' : '');
  uniqueIds(list(doc['objectives']), 'objectives', 'objective', describe, add);

  const cooperation = cooperationTargets(doc['cooperation'], add);

  // Injects: unique ids (first definition wins for references).
  const injects = list(doc['injects']);
  const byId = new Map<string, { index: number; inject: Obj }>();
  injects.forEach((inj, index) => {
    if (!isObj(inj)) return;
    const id = str(inj['id']);
    if (id === undefined) return;
    const first = byId.get(id);
    if (first)
      add(
        ['injects', index, 'id'],
        `duplicate inject id '${id}' (first defined at ${describe(['injects', first.index, 'id'])})`,
      );
    else byId.set(id, { index, inject: inj });
  });

  const triggers = new Map<string, TriggerRef>();
  injects.forEach((inj, index) => {
    if (!isObj(inj)) return;
    const at = (...rest: PathSegment[]): PathSegment[] => ['injects', index, ...rest];
    const id = str(inj['id']);

    const offset = str(inj['offset']);
    const offsetSeconds = offset === undefined ? undefined : parseOffset(offset);
    if (offsetSeconds !== undefined && plannedSeconds !== undefined && offsetSeconds > plannedSeconds) {
      add(at('offset'), `offset ${offset} is past the planned duration ${doc['plannedDuration'] as string}`);
    }

    const phase = str(inj['phase']);
    if (phase !== undefined && !phaseIds.has(phase)) {
      add(
        at('phase'),
        `phase '${phase}' is not defined${phaseIds.size ? ` (phases: ${phaseList})` : ' (the scenario has no phases)'}`,
      );
    }

    const target = num(inj['targetMinutes']);
    const deadline = num(inj['deadlineMinutes']);
    if (target !== undefined && deadline !== undefined && deadline < target) {
      add(at('deadlineMinutes'), `deadlineMinutes (${deadline}) is before targetMinutes (${target})`);
    }

    const targets = inj['targets'];
    if (
      isObj(targets) &&
      list(targets['teams']).length === 0 &&
      list(targets['tags']).length === 0 &&
      Object.keys(targets).length > 0
    ) {
      add(at('targets'), 'targets must name at least one team or tag (or be "all")');
    }

    const key = inj['answerKey'];
    if (isObj(key)) checkAnswerKey(key, at('answerKey'), add, normalise);

    const assistance = inj['assistance'];
    if (isObj(assistance)) checkAssistance(inj, assistance, at('assistance'), cooperation, add, normalise);

    const trigger = inj['trigger'];
    if (isObj(trigger)) {
      const kinds = TRIGGER_KINDS.filter((k) => isObj(trigger[k]));
      if (kinds.length === 1) {
        const kind = kinds[0]!;
        const spec = trigger[kind] as Obj;
        const ref = str(spec['inject']);
        const refPath = at('trigger', kind, 'inject');
        if (ref !== undefined) {
          const referred = byId.get(ref);
          if (!referred) add(refPath, `trigger refers to unknown inject '${ref}'`);
          else {
            if (id !== undefined && byId.get(id)?.index === index)
              triggers.set(id, { kind, target: ref, spec, path: refPath });
            if (kind === 'ifNoReport' && num(referred.inject['deadlineMinutes']) === undefined) {
              add(
                refPath,
                `ifNoReport needs inject '${ref}' to have deadlineMinutes (the trigger fires at that deadline)`,
              );
            }
          }
        }
        if (kind === 'ifReportMatches' && isObj(spec['classification'])) {
          checkRsit(spec['classification'], at('trigger', kind, 'classification'), add);
        }
      }
    }
  });

  checkTriggerGraph(triggers, byId, plannedSeconds, doc['plannedDuration'], add);

  list(doc['objectives']).forEach((o, i) => {
    if (!isObj(o)) return;
    list(o['injects']).forEach((ref, j) => {
      if (typeof ref === 'string' && !byId.has(ref))
        add(['objectives', i, 'injects', j], `objective refers to unknown inject '${ref}'`);
    });
  });

  const thresholds = isObj(doc['scoring']) ? doc['scoring']['ratingThresholds'] : undefined;
  if (isObj(thresholds)) {
    const [p, s, m] = [num(thresholds['P']), num(thresholds['S']), num(thresholds['M'])];
    if (p !== undefined && s !== undefined && m !== undefined && !(p > s && s > m)) {
      add(['scoring', 'ratingThresholds'], `ratingThresholds must satisfy P > S > M (got P ${p}, S ${s}, M ${m})`);
    }
  }
  return out;
}

function uniqueIds(
  items: unknown[],
  where: string,
  what: string,
  describe: Describe,
  add: (path: PathSegment[], message: string) => void,
): Set<string> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const id = isObj(item) ? str(item['id']) : undefined;
    if (id === undefined) return;
    const prev = first.get(id);
    if (prev !== undefined)
      add([where, i, 'id'], `duplicate ${what} id '${id}' (first defined at ${describe([where, prev, 'id'])})`);
    else first.set(id, i);
  });
  return new Set(first.keys());
}

function checkRsit(c: Obj, path: PathSegment[], add: (path: PathSegment[], message: string) => void): void {
  const cls = str(c['class']);
  const type = str(c['type']);
  // Unknown class names are the schema's to report; only the pairing is checked here.
  if (cls === undefined || !isRsitClass(cls) || type === undefined) return;
  if (!isRsitPair(cls, type)) {
    add([...path, 'type'], `type '${type}' does not belong to RSIT class '${cls}' (allowed: ${RSIT[cls]!.join(', ')})`);
  }
}

function checkAnswerKey(
  key: Obj,
  path: PathSegment[],
  add: (path: PathSegment[], message: string) => void,
  normalise: Normalise,
): void {
  const expected = new Map<string, number>(); // family + normalised value → index
  const normalised = (entry: unknown, at: PathSegment[]): { family: string; value: string } | undefined => {
    if (!isObj(entry)) return undefined;
    const type = str(entry['type']);
    const value = str(entry['value']);
    if (type === undefined || value === undefined || !(IOC_TYPES as readonly string[]).includes(type)) return undefined;
    const r = normalise(type as IocType, value);
    if (!r.ok) {
      add([...at, 'value'], `${type} value '${value}' is invalid: ${r.message}`);
      return undefined;
    }
    return { family: iocFamily(r.type), value: r.value };
  };
  list(key['iocs']).forEach((ioc, i) => {
    const at = [...path, 'iocs', i];
    const n = normalised(ioc, at);
    if (!n) return;
    const k = `${n.family}\u0000${n.value}`;
    const prev = expected.get(k);
    if (prev !== undefined) add([...at, 'value'], `IOC '${n.value}' is already expected at iocs[${prev}]`);
    else expected.set(k, i);
  });
  list(key['decoys']).forEach((decoy, i) => {
    const at = [...path, 'decoys', i];
    const n = normalised(decoy, at);
    if (!n) return;
    const prev = expected.get(`${n.family}\u0000${n.value}`);
    if (prev !== undefined) add([...at, 'value'], `decoy '${n.value}' is also an expected IOC (iocs[${prev}])`);
  });
  if (isObj(key['classification'])) checkRsit(key['classification'], [...path, 'classification'], add);
  const codes = new Map<string, number>();
  list(key['actions']).forEach((a, i) => {
    const code = isObj(a) ? str(a['code']) : undefined;
    if (code === undefined) return;
    const prev = codes.get(code);
    if (prev !== undefined)
      add([...path, 'actions', i, 'code'], `duplicate action code '${code}' (also actions[${prev}])`);
    else codes.set(code, i);
  });
}

/** Cooperation targets when the scenario does not set them (the contract of `cooperation` in the schema). */
export const DEFAULT_COOPERATION = Object.freeze({ respondMinutes: 30, fulfilMinutes: 120 });

type Targets = { respondMinutes: number; fulfilMinutes: number };

/** The scenario's cooperation targets with defaults filled; a fulfil target before the respond target is reported. */
function cooperationTargets(c: unknown, add: (path: PathSegment[], message: string) => void): Targets {
  const set = isObj(c) ? c : {};
  const respond = num(set['respondMinutes']);
  const fulfil = num(set['fulfilMinutes']);
  const targets = {
    respondMinutes: respond !== undefined && respond > 0 ? respond : DEFAULT_COOPERATION.respondMinutes,
    fulfilMinutes: fulfil !== undefined && fulfil > 0 ? fulfil : DEFAULT_COOPERATION.fulfilMinutes,
  };
  if (targets.fulfilMinutes < targets.respondMinutes) {
    const which = fulfil !== undefined ? 'fulfilMinutes' : 'respondMinutes';
    add(
      ['cooperation', which],
      `cooperation.fulfilMinutes (${targets.fulfilMinutes}${fulfil === undefined ? ', the default' : ''}) is before ` +
        `cooperation.respondMinutes (${targets.respondMinutes}${respond === undefined ? ', the default' : ''}): a ` +
        'request cannot be fulfilled before it is answered',
    );
  }
  return targets;
}

function checkAssistance(
  inject: Obj,
  a: Obj,
  path: PathSegment[],
  scenario: Targets,
  add: (path: PathSegment[], message: string) => void,
  normalise: Normalise,
): void {
  // Drill control asks in the name of the inject's sender: without one the asked team would not know who asks.
  const from = inject['from'];
  if (from === undefined || (typeof from === 'string' && from.trim() === '')) {
    add(path, 'an inject with assistance needs \'from\', the simulated CERT that asks (e.g. "JPCERT/CC (simulated)")');
  }

  const seen = new Map<string, number>();
  list(a['iocs']).forEach((ioc, i) => {
    if (!isObj(ioc)) return;
    const type = str(ioc['type']);
    const value = str(ioc['value']);
    if (type === undefined || value === undefined || !(IOC_TYPES as readonly string[]).includes(type)) return;
    const r = normalise(type as IocType, value);
    if (!r.ok) {
      add([...path, 'iocs', i, 'value'], `${type} value '${value}' is invalid: ${r.message}`);
      return;
    }
    const k = `${iocFamily(r.type)}\u0000${r.value}`;
    const prev = seen.get(k);
    if (prev !== undefined) add([...path, 'iocs', i, 'value'], `IOC '${r.value}' is already listed at iocs[${prev}]`);
    else seen.set(k, i);
  });

  const expect = a['expect'];
  if (!isObj(expect)) return;
  // Held against the targets the request will carry: its own where set, the scenario's (or the defaults) otherwise.
  const respond = num(expect['respondMinutes']);
  const fulfil = num(expect['fulfilMinutes']);
  if (respond === undefined && fulfil === undefined) return;
  if ((respond !== undefined && respond <= 0) || (fulfil !== undefined && fulfil <= 0)) return; // the schema's
  const r = respond ?? scenario.respondMinutes;
  const f = fulfil ?? scenario.fulfilMinutes;
  if (f >= r) return;
  if (fulfil !== undefined && respond !== undefined)
    add([...path, 'expect', 'fulfilMinutes'], `fulfilMinutes (${f}) is before respondMinutes (${r})`);
  else if (fulfil !== undefined)
    add(
      [...path, 'expect', 'fulfilMinutes'],
      `fulfilMinutes (${f}) is before the scenario's respond target (${r}, cooperation.respondMinutes); set respondMinutes here too`,
    );
  else
    add(
      [...path, 'expect', 'respondMinutes'],
      `respondMinutes (${r}) is after the scenario's fulfil target (${f}, cooperation.fulfilMinutes); set fulfilMinutes here too`,
    );
}

function checkTriggerGraph(
  triggers: Map<string, TriggerRef>,
  byId: Map<string, { index: number; inject: Obj }>,
  plannedSeconds: number | undefined,
  planned: unknown,
  add: (path: PathSegment[], message: string) => void,
): void {
  // Each inject has at most one trigger, so every chain is a simple walk; a walk that returns to a node on the
  // current path is a cycle. Report each cycle once, at its first member in document order.
  const state = new Map<string, 'active' | 'done'>();
  const inCycle = new Set<string>();
  const order = [...triggers.keys()].sort((a, b) => byId.get(a)!.index - byId.get(b)!.index);
  for (const start of order) {
    const pathIds: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && triggers.has(cur) && state.get(cur) === undefined) {
      state.set(cur, 'active');
      pathIds.push(cur);
      cur = triggers.get(cur)!.target;
    }
    if (cur !== undefined && state.get(cur) === 'active') {
      const cycle = pathIds.slice(pathIds.indexOf(cur));
      const first = [...cycle].sort((a, b) => byId.get(a)!.index - byId.get(b)!.index)[0]!;
      const rotated = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first];
      cycle.forEach((c) => inCycle.add(c));
      add(triggers.get(first)!.path, `triggers form a cycle: ${rotated.join(' → ')}`);
    }
    pathIds.forEach((p) => state.set(p, 'done'));
  }

  if (plannedSeconds === undefined) return;
  // Earliest release of a triggered inject: its own offset, or the trigger's earliest firing, whichever is later.
  // Computed along each chain without recursion: a chain of thousands of triggers would overflow the stack.
  const earliest = new Map<string, number | undefined>();
  const ownOffset = (id: string): number | undefined => {
    const inj = byId.get(id)?.inject;
    return inj && typeof inj['offset'] === 'string' ? parseOffset(inj['offset']) : 0;
  };
  const release = (id: string): number | undefined => {
    // Up the chain to the first inject already known (or not triggered, or in a cycle), then back down.
    const chain: string[] = [];
    const inChain = new Set<string>();
    for (let cur = id; !earliest.has(cur) && !inChain.has(cur);) {
      chain.push(cur);
      inChain.add(cur);
      const t = triggers.get(cur);
      if (!t || ownOffset(cur) === undefined || inCycle.has(cur)) break;
      cur = t.target;
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const cur = chain[k]!;
      const self = ownOffset(cur);
      const t = triggers.get(cur);
      let result = self;
      if (t && self !== undefined && !inCycle.has(cur)) {
        const parent = earliest.get(t.target);
        const parentInj = byId.get(t.target)?.inject;
        let fire: number | undefined;
        if (parent !== undefined && t.kind === 'after')
          fire = num(t.spec['delayMinutes']) !== undefined ? parent + num(t.spec['delayMinutes'])! * 60 : undefined;
        if (parent !== undefined && t.kind === 'ifNoReport') {
          const d = parentInj ? num(parentInj['deadlineMinutes']) : undefined;
          fire = d !== undefined ? parent + d * 60 : undefined;
        }
        if (parent !== undefined && t.kind === 'ifReportMatches') fire = parent;
        result = fire === undefined ? undefined : Math.max(self, fire);
      }
      earliest.set(cur, result);
    }
    return earliest.get(id);
  };
  for (const id of order) {
    const t = triggers.get(id)!;
    if (inCycle.has(id)) continue;
    const at = release(id);
    const own = byId.get(id)!.inject['offset'];
    const ownSeconds = typeof own === 'string' ? parseOffset(own) : 0;
    // The offset itself is reported by the offset rule; here only what the trigger adds.
    if (at !== undefined && at > plannedSeconds && (ownSeconds === undefined || at > ownSeconds)) {
      add(
        t.path.slice(0, -1),
        `the trigger releases this inject at ${formatOffset(at)} at the earliest, past the planned duration ${String(planned)}`,
      );
    }
  }
}
