import { formatScenarioTime } from '@drill/exercise';
import { h } from './dom.js';

/** Scenario time as the drill writes it (T+HH:MM:SS); a time not known yet reads T+00:00:00. */
export const formatScenario = (ms: number | null | undefined): string => formatScenarioTime(Math.max(0, ms ?? 0));

/** "45 s", "3 min", "2 h 05" — compact ages for boards. */
export function formatAge(ms: number | null | undefined): string {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}

const instant = (at: string | number | null | undefined): Date | undefined => {
  if (at === null || at === undefined || at === '') return undefined;
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const two = (n: number) => String(n).padStart(2, '0');

/**
 * A wall-clock instant in UTC, to the second ("14:03:07 UTC"). A regional drill spans time zones, and the AAR,
 * the server's logs and the other teams all say UTC: a local time on one console would not match any of them.
 */
export function formatWall(at: string | number | null | undefined): string {
  const d = instant(at);
  return d ? `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC` : '';
}

/** A wall-clock instant with its date, in UTC ("2026-12-02 14:03:07 UTC"), for what is not today's drill. */
export function formatWallDate(at: string | number | null | undefined): string {
  const d = instant(at);
  return d ? `${d.toISOString().slice(0, 10)} ${formatWall(d.getTime())}` : '';
}

/** The same instant in the reader's own time zone, with its date and zone, for a tooltip. */
export function formatLocal(at: string | number | null | undefined): string {
  const d = instant(at);
  if (!d) return '';
  const local = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
  return `${local} (your local time)`;
}

/** A wall-clock instant as an element: UTC on the page, the reader's local time on hover, machine-readable. */
export function wallTime(at: string | number | null | undefined): HTMLTimeElement | '' {
  const d = instant(at);
  if (!d) return '';
  return h('time', { datetime: d.toISOString(), title: formatLocal(d.getTime()) }, formatWall(d.getTime()));
}

export function statusBadge(status: string): HTMLSpanElement {
  return h('span', { class: `badge status-${status}` }, status);
}

export function tlpBadge(label: string | null | undefined): HTMLSpanElement {
  const short = String(label ?? '').replace(/^TLP:/, '');
  return h('span', { class: `tlp tlp-${short.toLowerCase().replace('+', '-')}`, title: label }, label);
}

export function severityBadge(severity: string | null | undefined): HTMLSpanElement | '' {
  return severity ? h('span', { class: `badge sev-${severity}` }, severity) : '';
}
