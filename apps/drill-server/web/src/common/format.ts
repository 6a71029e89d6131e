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

/** A wall-clock instant in the reader's own time zone, to the second. */
export function formatWall(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
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
