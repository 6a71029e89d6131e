// STIX 2.1 export of ISM reports (OASIS STIX 2.1 OS, https://docs.oasis-open.org/cti/stix/v2.1/os/stix-v2.1-os.html),
// with TLP 2.0 markings and the Incident Core extension from oasis-open/cti-stix-common-objects.
// Output is deterministic: the same reports always give byte-identical bundles, so exports can be diffed and
// re-imported without creating duplicates.
import { createHash } from 'node:crypto';
import {
  TLP_LABELS,
  strictestTlp,
  tlpRank,
  type Determination,
  type IocType,
  type ReportKind,
  type Severity,
  type TlpLabel,
} from '@drill/contracts';
import { normaliseIoc } from '@drill/ioc';
import type { IsmReport, ReportIoc } from './model.js';

export type StixObject = { type: string; id: string } & Record<string, unknown>;
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export interface StixExportContext {
  exerciseName: string;
  /** team id → display name, for the team identities. */
  teamNames: Record<string, string>;
  /** Stands in for a report's submittedAt when that cannot be parsed (it never should: the server stamps it). */
  now?: Date;
}

// ---- TLP 2.0 marking definitions (cti-stix-common-objects, extension-definition-specifications/tlp-2.0) ----

export const TLP_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

export const TLP_MARKING_IDS: Readonly<Record<TlpLabel, string>> = {
  'TLP:CLEAR': 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  'TLP:GREEN': 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  'TLP:AMBER': 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'TLP:AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  'TLP:RED': 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** The official marking-definition object for a TLP 2.0 label, exactly as published. */
export function tlpMarkingDefinition(label: TlpLabel): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_MARKING_IDS[label],
    created: '2022-10-01T00:00:00.000Z',
    name: label,
    extensions: {
      [TLP_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: label.slice('TLP:'.length).toLowerCase() },
    },
  };
}

// ---- Incident Core extension (cti-stix-common-objects, extension-definition-specifications/incident-core) ----

export const INCIDENT_CORE_EXTENSION_ID = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';

// incident-determination-enum: blocked, failed-attempt, false-positive, low-value, successful-attempt, suspected.
// "confirmed" in the ISM means a real incident, which the enum calls "successful-attempt" ("determined to have
// caused at least some harm"); the ISM value also travels unchanged in x_acid_determination.
const DETERMINATION_TO_INCIDENT_CORE: Record<Determination, string> = {
  suspected: 'suspected',
  confirmed: 'successful-attempt',
  'false-positive': 'false-positive',
};

// incident-investigation-ov: new, open, closed.
function investigationStatus(kind: ReportKind): string {
  if (kind === 'acknowledgement') return 'new';
  if (kind === 'final') return 'closed';
  return 'open';
}

// Incident Core Appendix A, "5 Qualitative" scale: Low 15, Moderate 40, High 70, Extreme 95.
const SEVERITY_TO_CRITICALITY: Record<Severity, number> = { low: 15, medium: 40, high: 70, critical: 95 };

// ---- deterministic identifiers ----

/** STIX 2.1 §2.9: SCO ids are UUIDv5 in this namespace over their ID-contributing properties. */
const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** Our own namespace for SDO ids derived from ISM report ids (random, fixed once). */
const ACID_NAMESPACE = 'b21c8eb2-46a8-4f00-84e7-878e562b1e4d';

/** RFC 4122 §4.3 name-based UUID, SHA-1 (version 5). */
export function uuidV5(namespace: string, name: string): string {
  const h = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** RFC 8785 canonical JSON for the flat values SCO ids are computed over (sorted keys, no whitespace). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function scoId(type: string, contributing: Record<string, unknown>): string {
  return `${type}--${uuidV5(SCO_NAMESPACE, canonicalJson(contributing))}`;
}

function sdoId(type: string, ...parts: string[]): string {
  return `${type}--${uuidV5(ACID_NAMESPACE, [type, ...parts].join('\u0000'))}`;
}

// Drill identities are synthetic and never change; a fixed creation time keeps every export of the same
// team identical and avoids two "first versions" of one id across exports.
const IDENTITY_CREATED = '2020-01-01T00:00:00.000Z';
const CONTROL_IDENTITY_ID = sdoId('identity', 'drill-control');

// ---- STIX patterns and observables per IOC type ----

/** STIX patterning string literal: quotes and backslashes escaped. */
function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const addrType = (ip: string) => (ip.includes(':') ? 'ipv6-addr' : 'ipv4-addr');

/**
 * IPv4-mapped IPv6 in hex groups (::ffff:c000:201) rather than RFC 5952's dotted tail (::ffff:192.0.2.1): the
 * official ipv6-addr schema's pattern has `d` where it means `\d` and so refuses every dotted tail.
 */
function stixIp(ip: string): string {
  const m = /^::ffff:(\d+)\.(\d+)\.(\d+)\.(\d+)(\/\d+)?$/.exec(ip);
  if (!m) return ip;
  const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  return `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}${m[5] ?? ''}`;
}

const HASH_KEYS: Partial<Record<IocType, string>> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' };

function splitIpPort(v: string): [string, number] {
  const at = v.lastIndexOf('|');
  return [stixIp(v.slice(0, at)), Number(v.slice(at + 1))];
}

/** A STIX pattern matching the (normalised) indicator. Vulnerabilities have none: they become SDOs. */
export function stixPattern(type: Exclude<IocType, 'vulnerability'>, value: string): string {
  switch (type) {
    case 'ip-src':
    case 'ip-dst': {
      const ip = stixIp(value);
      // A range is a subset test, not equality (STIX 2.1 §9.5, ISSUBSET).
      return `[${addrType(ip)}:value ${ip.includes('/') ? 'ISSUBSET' : '='} ${lit(ip)}]`;
    }
    case 'ip-dst|port': {
      const [ip, port] = splitIpPort(value);
      const t = addrType(ip);
      return `[network-traffic:dst_ref.type = '${t}' AND network-traffic:dst_ref.value = ${lit(ip)} AND network-traffic:dst_port = ${port}]`;
    }
    case 'domain':
    case 'hostname':
      return `[domain-name:value = ${lit(value)}]`;
    case 'url':
      return `[url:value = ${lit(value)}]`;
    case 'md5':
    case 'sha1':
    case 'sha256':
      return `[file:hashes.'${HASH_KEYS[type]}' = ${lit(value)}]`;
    case 'email-src':
      return `[email-addr:value = ${lit(value)}]`;
    case 'filename':
      return `[file:name = ${lit(value)}]`;
    case 'AS':
      return `[autonomous-system:number = ${Number(value.slice(2))}]`;
  }
}

function sco(type: string, props: Record<string, unknown>, contributing: Record<string, unknown> = props): StixObject {
  return { type, spec_version: '2.1', id: scoId(type, contributing), ...props };
}

/** The SCOs an observed (not-for-detection) IOC stands for; the first is the one it is about. */
export function observablesFor(type: Exclude<IocType, 'vulnerability'>, value: string): StixObject[] {
  switch (type) {
    case 'ip-src':
    case 'ip-dst': {
      const ip = stixIp(value);
      return [sco(addrType(ip), { value: ip })];
    }
    case 'ip-dst|port': {
      const [ip, port] = splitIpPort(value);
      const addr = sco(addrType(ip), { value: ip });
      // protocols is required; the address family is all we know for certain.
      const traffic = sco('network-traffic', {
        dst_ref: addr.id,
        dst_port: port,
        protocols: [ip.includes(':') ? 'ipv6' : 'ipv4'],
      });
      return [traffic, addr];
    }
    case 'domain':
    case 'hostname':
      return [sco('domain-name', { value })];
    case 'url':
      return [sco('url', { value })];
    case 'md5':
    case 'sha1':
    case 'sha256':
      return [sco('file', { hashes: { [HASH_KEYS[type]!]: value } })];
    case 'email-src':
      return [sco('email-addr', { value })];
    case 'filename':
      return [sco('file', { name: value })];
    case 'AS':
      return [sco('autonomous-system', { number: Number(value.slice(2)) })];
  }
}

// ---- the bundle ----

function loosest(labels: readonly TlpLabel[]): TlpLabel {
  return labels.reduce<TlpLabel>((acc, l) => (tlpRank(l) < tlpRank(acc) ? l : acc), 'TLP:RED');
}

/** Drops undefined values and empty arrays (STIX lists have at least one item). */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as T;
}

interface Shared {
  obj: StixObject;
  labels: TlpLabel[];
}

/**
 * Builds one STIX 2.1 bundle from ISM reports (already filtered to what the caller may see). Each report becomes
 * a `report` with its indicators (toIds), observed-data plus SCOs (not toIds), vulnerabilities, and an `incident`
 * when it classifies or determines; every object carries its report's TLP 2.0 marking. Objects shared between
 * reports (identities, SCOs) appear once: an identity takes the loosest label of the reports that name it (the
 * team's name is disclosed at that level anyway), an SCO the strictest (FIELD-NOTES: anything built from several
 * reports takes the most restrictive label).
 */
export function buildStixBundle(reports: IsmReport[], ctx: StixExportContext): StixBundle {
  const fallback = (ctx.now ?? new Date(0)).toISOString();
  const stamp = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? fallback : d.toISOString();
  };
  const ordered = [...reports].sort(
    (a, b) => stamp(a.submittedAt).localeCompare(stamp(b.submittedAt)) || a.id.localeCompare(b.id),
  );
  const reportIds = new Map(ordered.map((r) => [r.id, sdoId('report', r.id)]));

  const identities = new Map<string, Shared>();
  identities.set(CONTROL_IDENTITY_ID, {
    obj: {
      type: 'identity',
      spec_version: '2.1',
      id: CONTROL_IDENTITY_ID,
      created: IDENTITY_CREATED,
      modified: IDENTITY_CREATED,
      name: 'Drill control',
      identity_class: 'organization',
      roles: ['exercise-control'],
    },
    labels: [],
  });
  const identityFor = (r: IsmReport): string => {
    if (r.teamId === null) {
      identities.get(CONTROL_IDENTITY_ID)!.labels.push(r.tlp);
      return CONTROL_IDENTITY_ID;
    }
    const id = sdoId('identity', 'team', r.teamId);
    let entry = identities.get(id);
    if (!entry) {
      entry = {
        obj: {
          type: 'identity',
          spec_version: '2.1',
          id,
          created: IDENTITY_CREATED,
          modified: IDENTITY_CREATED,
          name: ctx.teamNames[r.teamId] ?? r.teamId,
          identity_class: 'organization',
          roles: ['exercise-participant'],
        },
        labels: [],
      };
      identities.set(id, entry);
    }
    entry.labels.push(r.tlp);
    return id;
  };

  const scos = new Map<string, Shared>();
  const body: StixObject[] = []; // report-owned objects and SCOs, in report order
  const addSco = (o: StixObject, label: TlpLabel) => {
    const seen = scos.get(o.id);
    if (seen) {
      seen.labels.push(label);
      return;
    }
    scos.set(o.id, { obj: o, labels: [label] });
    body.push(o);
  };

  for (const r of ordered) {
    const at = stamp(r.submittedAt);
    const marking = [TLP_MARKING_IDS[r.tlp]];
    const author = identityFor(r);
    const base = (type: string, id: string) => ({
      type,
      spec_version: '2.1',
      id,
      created: at,
      modified: at,
      created_by_ref: author,
      object_marking_refs: marking,
    });
    const refs: string[] = [];
    const unexported: { type: string; value: string; reason: string }[] = [];

    r.iocs.forEach((ioc: ReportIoc, k: number) => {
      const n = normaliseIoc(ioc.type, ioc.value);
      if (!n.ok) {
        unexported.push({ type: ioc.type, value: ioc.value, reason: n.message });
        return;
      }
      const key = String(k);
      if (ioc.type === 'vulnerability') {
        const v = compact({
          ...base('vulnerability', sdoId('vulnerability', r.id, key)),
          name: n.value,
          description: ioc.role,
          external_references: [{ source_name: 'cve', external_id: n.value }],
        });
        body.push(v);
        refs.push(v.id);
        return;
      }
      const type = ioc.type;
      if (ioc.toIds) {
        const ind = compact({
          ...base('indicator', sdoId('indicator', r.id, key)),
          name: `${type} ${n.value}`,
          description: ioc.role,
          indicator_types: ['malicious-activity'],
          pattern: stixPattern(type, n.value),
          pattern_type: 'stix',
          pattern_version: '2.1',
          valid_from: at,
          x_acid_ioc_type: type,
        });
        body.push(ind);
        refs.push(ind.id);
      } else {
        const observed = observablesFor(type, n.value);
        for (const o of observed) addSco(o, r.tlp);
        const od = compact({
          ...base('observed-data', sdoId('observed-data', r.id, key)),
          first_observed: at,
          last_observed: at,
          number_observed: 1,
          object_refs: observed.map((o) => o.id),
          x_acid_ioc_type: type,
          x_acid_ioc_role: ioc.role,
        });
        body.push(od);
        refs.push(od.id);
      }
    });

    const rsitTag = r.classification ? `rsit:${r.classification.class}="${r.classification.type}"` : undefined;
    if (r.classification || r.determination) {
      const incident = compact({
        ...base('incident', sdoId('incident', r.id)),
        name: r.title,
        description: r.summary,
        labels: rsitTag ? [rsitTag] : undefined,
        extensions: {
          [INCIDENT_CORE_EXTENSION_ID]: compact({
            extension_type: 'property-extension',
            // The extension requires a determination; it SHOULD be "suspected" until established.
            determination: DETERMINATION_TO_INCIDENT_CORE[r.determination ?? 'suspected'],
            investigation_status: investigationStatus(r.kind),
            criticality: r.severity ? SEVERITY_TO_CRITICALITY[r.severity] : undefined,
          }),
        },
        x_acid_determination: r.determination,
        x_acid_rsit: r.classification ? { class: r.classification.class, type: r.classification.type } : undefined,
      });
      body.push(incident);
      refs.push(incident.id);
    }

    const types = new Set(refs.map((id) => id.slice(0, id.indexOf('--'))));
    const parentRef = r.inReplyTo !== undefined ? reportIds.get(r.inReplyTo) : undefined;
    body.push(
      compact({
        ...base('report', reportIds.get(r.id)!),
        name: r.title,
        description: r.summary,
        published: at,
        report_types: ['threat-report', ...['indicator', 'observed-data', 'vulnerability'].filter((t) => types.has(t))],
        // object_refs needs one entry; a bare acknowledgement is about its author and nothing else.
        object_refs: refs.length > 0 ? refs : [author],
        labels: [
          `acid:report-kind="${r.kind}"`,
          ...(rsitTag ? [rsitTag] : []),
          ...(r.severity ? [`acid:severity="${r.severity}"`] : []),
        ],
        external_references: [{ source_name: 'acid-ism', external_id: r.id }],
        x_acid_exercise: ctx.exerciseName,
        x_acid_report_kind: r.kind,
        x_acid_severity: r.severity,
        x_acid_inject_ids: r.injectIds,
        x_acid_in_reply_to_ref: parentRef,
        x_acid_affected_assets: r.affectedAssets.map((a) => compact({ ...a })),
        x_acid_timeline: r.timeline,
        x_acid_actions: r.actions.map((a) => compact({ ...a })),
        x_acid_recommendations: r.recommendations,
        x_acid_assistance_requests: r.assistanceRequests,
        x_acid_unexported_iocs: unexported,
      }),
    );
  }

  const used = new Set<TlpLabel>(ordered.map((r) => r.tlp));
  const identityObjects = [...identities.values()].map(({ obj, labels }) => {
    const label = labels.length > 0 ? loosest(labels) : 'TLP:CLEAR';
    used.add(label);
    return { ...obj, object_marking_refs: [TLP_MARKING_IDS[label]] };
  });
  for (const { obj, labels } of scos.values()) obj.object_marking_refs = [TLP_MARKING_IDS[strictestTlp(labels)]];

  const markings = TLP_LABELS.filter((l) => used.has(l)).map(tlpMarkingDefinition);
  const bundleName = ordered.map((r) => r.id).join('\u0000');
  return {
    type: 'bundle',
    id: `bundle--${uuidV5(ACID_NAMESPACE, `bundle\u0000${ctx.exerciseName}\u0000${bundleName}`)}`,
    objects: [...markings, ...identityObjects, ...body],
  };
}
