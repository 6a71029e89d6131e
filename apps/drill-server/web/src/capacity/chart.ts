// Trend lines drawn as inline SVG, built node by node (nothing is parsed as markup): one line per figure over the
// drills in range, on a fixed 0–100 scale so that charts side by side compare at a glance. Each chart carries a
// <title> and an aria-label that says in words what the lines show, for screen readers and for print.
import { signed } from '@drill/capacity';

const NS = 'http://www.w3.org/2000/svg';

type SvgAttrs = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: SvgAttrs = {}, ...children: (Node | string)[]) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

/** Okabe–Ito colours: told apart with the common colour-vision deficiencies; dashes tell them apart in grey print. */
export const LINE_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4', '4 4'];

export interface ChartLine {
  name: string;
  /** One value per drill, in the order of `drills`; null where the team has no figure. */
  values: (number | null)[];
  /** Thicker: the overall score among the capabilities. */
  bold?: boolean;
}

const W = 420;
const H = 200;
const PAD = { left: 34, right: 10, top: 10, bottom: 26 };

/** "Cybersecurity 60 → 90 (+30)" for one line, from its first to its last value. */
export function lineSummary(line: ChartLine): string {
  const valued = line.values.filter((v): v is number => v !== null);
  if (valued.length === 0) return `${line.name}: no figure`;
  const first = valued[0]!;
  const last = valued.at(-1)!;
  return valued.length === 1
    ? `${line.name} ${first}`
    : `${line.name} ${first} → ${last} (${signed(Math.round((last - first) * 100) / 100)})`;
}

/** A line chart of `lines` over `drills` (labels of the x axis), titled, with a legend. */
export function trendChart(title: string, drills: readonly string[], lines: readonly ChartLine[]): SVGSVGElement {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (drills.length <= 1 ? plotW / 2 : (plotW * i) / (drills.length - 1));
  const y = (v: number) => PAD.top + plotH - (plotH * Math.max(0, Math.min(100, v))) / 100;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'trend-chart',
    role: 'img',
    'aria-label': `${title}: ${lines.map(lineSummary).join('; ')}`,
  });
  chart.append(svg('title', {}, title));
  for (const v of [0, 25, 50, 75, 100]) {
    chart.append(
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: PAD.left - 4, y: y(v) + 3, 'text-anchor': 'end', class: 'axis' }, String(v)),
    );
  }
  drills.forEach((label, i) =>
    chart.append(svg('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', class: 'axis' }, label)),
  );
  lines.forEach((line, k) => {
    const colour = LINE_COLOURS[k % LINE_COLOURS.length]!;
    let d = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    const g = svg('g', { class: 'series', 'data-series': line.name });
    g.append(svg('title', {}, lineSummary(line)));
    if (d)
      g.append(
        svg('path', {
          d: d.trim(),
          fill: 'none',
          stroke: colour,
          'stroke-width': line.bold ? 3 : 2,
          ...(DASHES[k % DASHES.length] ? { 'stroke-dasharray': DASHES[k % DASHES.length]! } : {}),
        }),
      );
    line.values.forEach((v, i) => {
      if (v !== null) g.append(svg('circle', { cx: x(i), cy: y(v), r: line.bold ? 3.5 : 2.5, fill: colour }));
    });
    chart.append(g);
  });
  return chart;
}
