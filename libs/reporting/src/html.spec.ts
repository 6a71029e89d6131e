import { describe, expect, it } from '@jest/globals';
import { buildAar } from './build.js';
import { escapeHtml } from './format.js';
import { renderAarHtml } from './html.js';
import { fixtureInput } from './spec-fixture.js';

const EVIL = '<script>alert(1)</script>';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });
});

describe('renderAarHtml', () => {
  it('escapes every user-written string', async () => {
    const input = fixtureInput();
    input.exercise.name = `Drill ${EVIL}`;
    (input.teams[0] as { name: string }).name = `Alpha ${EVIL}`;
    input.notes = [
      {
        id: 'x',
        objectiveId: 'OBJ-1',
        kind: 'strength',
        text: `<img src=x onerror="alert(2)">`,
        author: `Eve ${EVIL}`,
        at: input.generatedAt,
      },
    ];
    input.plan = [
      {
        id: 'p',
        capability: EVIL,
        issue: EVIL,
        correctiveAction: EVIL,
        capabilityElement: 'training',
        organisation: EVIL,
        poc: EVIL,
        dueDate: '2027-01-01',
      },
    ];
    input.scores.teams[2]!.injects[0]!.override!.justification = EVIL;
    (input.scenario.injects[0] as { title: string }).title = `Note ${EVIL}`;
    const html = await renderAarHtml(buildAar(input));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).toContain('Drill &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
  });

  it("renders the scenario summary in the drill's Markdown, escaped, its headings under the Scenario heading", async () => {
    const input = fixtureInput();
    input.scenario = {
      ...input.scenario,
      summary: `# Setting\nA **small** drill ${EVIL}\nwrapped.\n\n- one\n  continued\n- [two](javascript:alert(1))`,
    };
    const html = await renderAarHtml(buildAar(input));
    expect(html).toContain(
      '<div class="prose"><h4>Setting</h4>\n<p>A <strong>small</strong> drill &lt;script&gt;alert(1)&lt;/script&gt; wrapped.</p>\n' +
        '<ul><li>one continued</li><li>[two](javascript:alert(1))</li></ul></div>',
    );
  });

  it('is one self-contained document: no scripts, no external resources, four inline SVG charts', async () => {
    const html = await renderAarHtml(buildAar(fixtureInput()));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link|iframe|img)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).toMatch(/@media print/);
    for (const id of ['timeline', 'response-times', 'completeness', 'sharing']) {
      expect(html).toMatch(
        new RegExp(`<figure class="chart" id="fig-${id}" data-chart="${id}"[^>]*>.*?</h3><svg[^>]*>`),
      );
    }
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length); // chart clip paths and gradients included
  });

  it('renders an exercise that never started: no releases, no reports, no objectives', async () => {
    const input = fixtureInput({ deliveries: [], reports: [], events: [], notes: [], plan: [] });
    input.scores = {
      teams: input.teams.map((t) => ({ teamId: t.id, injects: [], totalWeight: 0, percent: null, autoPercent: null })),
      objectives: [],
      unusedScoreOverrides: [],
    };
    input.scenario = { ...input.scenario, objectives: [] };
    input.exercise = { ...input.exercise, status: 'draft', startedAt: null, endedAt: null, scenarioMsAtEnd: null };
    const aar = buildAar(input);
    expect(aar.keyFigures).toMatchObject({
      pairsScored: 0,
      responseRate: null,
      timeToReport: null,
      meanTeamPercent: null,
    });
    const html = await renderAarHtml(aar);
    expect(html.match(/<figure class="chart"[^>]*>.*?<\/h3><svg/g)).toHaveLength(4);
    expect(html).toContain('No inject required a response from this team.');
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('follows the HSEEP AAR/IP order', async () => {
    const html = await renderAarHtml(buildAar(fixtureInput()));
    const order = [
      'overview',
      'summary',
      'analysis',
      'scorecards',
      'injects',
      'sharing',
      'plan',
      'participants',
      'timeline',
    ].map((id) => html.indexOf(`<section id="${id}"`));
    expect(order.every((x) => x > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('shows a DRAFT banner until published, then who published it', async () => {
    const draft = await renderAarHtml(buildAar(fixtureInput()));
    expect(draft).toContain('<strong>DRAFT</strong>');
    expect(draft).toContain('class="watermark"');
    const published = await renderAarHtml(
      buildAar(
        fixtureInput({
          state: { status: 'published', publishedAt: '2026-11-26T09:00:00.000Z', publishedBy: 'Eva Luator' },
        }),
      ),
    );
    expect(published).not.toContain('DRAFT');
    expect(published).toContain('<strong>PUBLISHED</strong> 2026-11-26 09:00:00 UTC by Eva Luator');
  });

  it('prints the scorecard figures of the model, rounded for display only', async () => {
    const aar = buildAar(fixtureInput());
    const html = await renderAarHtml(aar);
    // A: 100·(.3 + .7·.90625) = 93.4375 → "93.4%"; C: .35 → "0.35" final with an override marker.
    expect(html).toMatch(/<tr data-team="A">.*?<td class="num" data-figure="percent"><strong>93\.4%<\/strong><\/td>/);
    expect(html).toMatch(/data-team="C" data-inject="I-1">.*?data-figure="final"><strong>0\.35<\/strong><sup/);
    expect(html).toContain('missed by 2/3 (B, C)');
  });

  it('gives every chart a visible title and makes it one image named by its title, described in words', async () => {
    const aar = buildAar(fixtureInput());
    const html = await renderAarHtml(aar);
    const figures = [...html.matchAll(/<figure class="chart" id="fig-([\w-]+)"[^>]*>([\s\S]*?)<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual(['completeness', 'timeline', 'response-times', 'sharing']);
    for (const [open, id, inner] of figures) {
      expect(open).toContain(`aria-labelledby="fig-${id}-title"`);
      // The visible title: a heading inside the figure, before the chart.
      expect(inner).toMatch(
        new RegExp(
          `^<h3 class="fig-title" id="fig-${id}-title"><span class="fig-no">Figure \\d\\.</span> [A-Z][^<]{10,}</h3>`,
        ),
      );
      const svgOpen = /<svg\b[^>]*>/.exec(inner!)![0];
      expect(svgOpen).toContain('role="img"');
      expect(svgOpen).toContain(`aria-labelledby="chart-${id}-title"`);
      expect(svgOpen).toContain(`aria-describedby="chart-${id}-desc"`);
      expect(inner).toMatch(
        new RegExp(
          `<svg[^>]*><title id="chart-${id}-title">[^<]{10,}</title><desc id="chart-${id}-desc">[^<]{40,}</desc>`,
        ),
      );
    }
    // The descriptions carry the figures the charts draw, not just what kind of chart they are.
    const desc = (id: string) => new RegExp(`<desc id="chart-${id}-desc">([^<]*)</desc>`).exec(html)![1]!;
    for (const t of aar.scorecards)
      expect(desc('completeness')).toContain(`${t.code} ${t.meanCompleteness!.toFixed(2)}`);
    expect(desc('response-times')).toMatch(/I-1 median \d+\.\d min over \d of \d teams/);
    expect(desc('sharing')).toMatch(/B to [AC] 1/);
  });

  it('marks the report with its TLP label: title, header band, footer and every printed page', async () => {
    const amber = await renderAarHtml(buildAar(fixtureInput()));
    expect(amber).toContain('<title>TLP:AMBER — After-Action Report');
    expect(amber).toContain('<meta name="tlp" content="TLP:AMBER">');
    expect(amber).toMatch(/<div class="marking marking-top"[^>]*><span class="tlp tlp-amber">TLP:AMBER<\/span>/);
    expect(amber).toMatch(/<div class="marking marking-bottom"[^>]*><span class="tlp tlp-amber">TLP:AMBER<\/span>/);
    expect(amber).toMatch(/@top-center \{ content: "TLP:AMBER";/);
    expect(amber).toMatch(/@bottom-center \{ content: "TLP:AMBER";/);

    const red = await renderAarHtml(buildAar({ ...fixtureInput(), marking: 'TLP:AMBER+STRICT' }));
    expect(red).toContain('<title>TLP:AMBER+STRICT — After-Action Report');
    expect(red).toMatch(/@top-center \{ content: "TLP:AMBER\+STRICT";/);
    expect(red).toContain('<span class="tlp tlp-amber-strict">TLP:AMBER+STRICT</span>');
    expect(red).not.toMatch(/content: "TLP:AMBER";/);
  });

  it('carries a Content-Security-Policy of its own that forbids scripts and fetching', async () => {
    const html = await renderAarHtml(buildAar(fixtureInput()));
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;/,
    );
  });
});
