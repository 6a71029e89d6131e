import { describe, expect, it } from '@jest/globals';
import { buildAar } from './build.js';
import type { AssistanceRequestView } from '@drill/contracts';
import {
  accessibleSvg,
  chartSpecs,
  chartTexts,
  cooperationChartText,
  cooperationSpec,
  renderChartSvg,
  sharingSpec,
} from './charts.js';
import { at, fixtureInput } from './spec-fixture.js';

describe('AAR charts', () => {
  const aar = buildAar(fixtureInput());

  it('carry their data inline: nothing for Vega to fetch', () => {
    for (const spec of Object.values(chartSpecs(aar))) expect(JSON.stringify(spec)).not.toMatch(/"url"\s*:/);
  });

  it('draw the sharing heat map over every team pair, self-pairs blank', () => {
    const values = (sharingSpec(aar) as { data: { values: { from: string; to: string; total: number | null }[] } }).data
      .values;
    expect(values).toHaveLength(9);
    expect(values.find((v) => v.from === 'A' && v.to === 'A')!.total).toBeNull();
    expect(values.find((v) => v.from === 'B' && v.to === 'C')!.total).toBe(1); // B's report to all
    expect(values.find((v) => v.from === 'C' && v.to === 'A')!.total).toBe(0);
  });

  it('render to SVG without a browser, with ids unique to the chart', async () => {
    const svg = await renderChartSvg(chartSpecs(aar).completeness, 'chart-x');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/width="\d+"/);
    const ids = [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id.startsWith('chart-x-')).toBe(true);
    for (const m of svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it('become one image to assistive technology, named by a title and described in words, both escaped', () => {
    const svg = accessibleSvg('<svg class="marks" width="10"><g role="graphics-document"></g></svg>', 'chart-x', {
      title: 'Teams <A>',
      description: 'B & "C" sent 2',
    });
    expect(svg).toBe(
      '<svg class="marks" width="10" role="img" aria-labelledby="chart-x-title" aria-describedby="chart-x-desc">' +
        '<title id="chart-x-title">Teams &lt;A&gt;</title><desc id="chart-x-desc">B &amp; &quot;C&quot; sent 2</desc>' +
        '<g role="graphics-document"></g></svg>',
    );
  });

  it('describe an empty drill without inventing figures', () => {
    const empty = buildAar(fixtureInput({ deliveries: [], reports: [], events: [] }));
    const texts = chartTexts(empty);
    expect(texts.sharing.description).toMatch(/no team addressed a report to another team/);
    expect(texts.timeline.description).toMatch(/0 inject releases, 0 acknowledgements and 0 reports\./);
    for (const t of Object.values(texts)) expect(`${t.title} ${t.description}`).not.toMatch(/NaN|undefined|null/);
  });

  it('draw the cooperation heat map of many parties with counts only, and render it to SVG', async () => {
    const teams = Array.from({ length: 14 }, (_, i) => ({ id: `t${i}`, code: `T${i}`, name: `Team ${i}` }));
    const party = (t: (typeof teams)[number]) => ({ teamId: t.id, code: t.code, name: t.name });
    const ask = (from: number, to: number, first: number | null): AssistanceRequestView => ({
      id: `r${from}-${to}`,
      exerciseId: 'ex-1',
      from: party(teams[from]!),
      to: party(teams[to]!),
      requestedBy: null,
      injectId: null,
      kind: 'sinkhole',
      text: 'please',
      tlp: 'TLP:GREEN',
      iocs: [],
      scripted: false,
      status: first === null ? 'open' : 'accepted',
      requestedAt: at(from),
      requestedScenarioTime: 'T+00:01:00',
      toFirstResponseMinutes: first,
      toFulfilmentMinutes: null,
      targets: { respondMinutes: 30, fulfilMinutes: 120 },
      responses: [],
    });
    const many = buildAar(
      fixtureInput({ teams, assistance: [ask(0, 1, 4), ask(0, 1, 6), ask(2, 13, null)], deliveries: [], reports: [] }),
    );
    const values = (cooperationSpec(many) as { data: { values: { from: string; to: string; label: string }[] } }).data
      .values;
    expect(values).toHaveLength(14 * 14);
    expect(values.find((v) => v.from === 'T0' && v.to === 'T1')!.label).toBe('2'); // no room for the median
    expect(cooperationChartText(many).description).toContain('T0 to T1 2 (median first answer 5.0 min)');
    const svg = await renderChartSvg(cooperationSpec(many), 'chart-cooperation');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const m of svg.matchAll(/\bid="([^"]+)"/g)) expect(m[1]!.startsWith('chart-cooperation-')).toBe(true);
  });

  it('leave the cooperation heat map empty, in words too, for a report without requests', () => {
    expect((cooperationSpec(aar) as { data: { values: unknown[] } }).data.values).toEqual([]);
    expect(cooperationChartText(aar).description).toMatch(/nobody asked for assistance/);
  });
});
