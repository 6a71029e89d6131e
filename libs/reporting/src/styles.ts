// Inline stylesheet of the AAR: one file that reads on screen and prints on A4 without external resources.
export const AAR_STYLES = `
:root {
  --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --soft: #f5f7fa; --navy: #102a43; --accent: #2680c2;
  --p: #2f855a; --s: #c99a06; --m: #dd6b20; --u: #c53030;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #e9edf2; color: var(--ink); font: 14px/1.5 "Helvetica Neue", Helvetica, Arial, sans-serif; }
main { max-width: 1060px; margin: 24px auto; background: white; padding: 40px 56px 56px; box-shadow: 0 1px 4px rgba(16,42,67,.15); }
h1, h2, h3, h4 { color: var(--navy); line-height: 1.25; margin: 0; }
h1 { font-size: 30px; margin: 6px 0 4px; }
h2 { font-size: 21px; margin: 0 0 14px; padding-bottom: 6px; border-bottom: 2px solid var(--navy); }
h3 { font-size: 16px; margin: 20px 0 8px; }
h4 { font-size: 13px; margin: 12px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
p { margin: 6px 0; }
a { color: var(--accent); text-decoration: none; }
code { font: 12px/1.4 "SFMono-Regular", Consolas, "Liberation Mono", monospace; background: var(--soft); padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.warn { color: var(--u); }
.nowrap { white-space: nowrap; }
.section { margin-top: 36px; }
.sec-no { display: inline-block; min-width: 30px; color: var(--accent); }
.lead { color: var(--muted); }

.banner { padding: 8px 12px; border-radius: 4px; margin-bottom: 22px; font-size: 13px; }
.banner-draft { background: #fff3c4; border: 1px solid #f0b429; color: #8d2b0b; }
.banner-published { background: #e3f9e5; border: 1px solid #57ae5b; color: #05400a; }
.watermark { position: fixed; top: 42%; left: 0; right: 0; text-align: center; font-size: 150px; font-weight: 700; letter-spacing: .1em;
  color: rgba(207, 17, 36, .07); transform: rotate(-30deg); pointer-events: none; z-index: 0; }
.cover { border-bottom: 1px solid var(--line); padding-bottom: 20px; }
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; color: var(--accent); font-weight: 700; margin: 0; }
.subtitle { font-size: 16px; color: var(--muted); margin: 0 0 18px; }
.meta { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px 24px; margin: 0 0 16px; }
.meta div { border-left: 3px solid var(--accent); padding-left: 10px; }
.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.meta dd { margin: 0; font-weight: 600; }
.handling { font-size: 12px; color: var(--muted); background: var(--soft); padding: 8px 12px; border-radius: 4px; }

.toc { margin-top: 22px; }
.toc h2 { font-size: 15px; border: 0; margin-bottom: 4px; }
.toc ol { columns: 2; margin: 0; padding-left: 22px; }
.toc li.appendix { list-style: none; margin-left: -22px; }

table { border-collapse: collapse; width: 100%; margin: 10px 0 16px; font-size: 13px; }
caption { caption-side: bottom; text-align: left; font-size: 11px; color: var(--muted); padding-top: 4px; }
th, td { padding: 5px 8px; text-align: left; vertical-align: top; }
.grid thead th { background: var(--navy); color: white; font-weight: 600; font-size: 12px; border: 1px solid var(--navy); }
.grid td { border: 1px solid var(--line); }
.grid tbody tr:nth-child(even) td { background: #fafbfc; }
.kv th { width: 210px; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); }
.kv td { border-bottom: 1px solid var(--line); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.center { text-align: center; }
.compact { font-size: 12px; }
.compact td, .compact th { padding: 3px 6px; }
.team-scores tr.explain td { background: white !important; border-top: 0; padding-top: 0; }
.team-scores tr.fig td { border-bottom: 0; }
.why, .why-list { font-size: 11.5px; color: #3e4c59; }
.why-list { margin: 0; padding-left: 16px; columns: 1; }
.why-list li { margin: 1px 0; }
.why-list .override { color: #8d2b0b; }
.chip { display: inline-block; background: var(--soft); border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; font-size: 12px; margin: 1px 0; }

.kpis { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 8px 0 16px; }
.kpi { border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 4px; padding: 10px 14px; }
.kpi-value { font-size: 26px; font-weight: 700; color: var(--navy); font-variant-numeric: tabular-nums; }
.kpi-label { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.kpi-note { font-size: 12px; color: var(--muted); }
.ratings-line { margin: 8px 0; }
.two-col { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.bullets { padding-left: 18px; margin: 4px 0; }
.bullets li { margin: 3px 0; }

.badge { display: inline-block; min-width: 22px; text-align: center; border-radius: 3px; font-weight: 700; font-size: 12px; padding: 0 5px; color: white; }
.badge-P { background: var(--p); } .badge-S { background: var(--s); } .badge-M { background: var(--m); } .badge-U { background: var(--u); }
.badge-none { background: #9aa5b1; }
.objective { border: 1px solid var(--line); border-radius: 6px; padding: 14px 18px; margin: 14px 0; break-inside: avoid-page; }
.objective-head { display: flex; gap: 14px; align-items: center; }
.objective-head h3 { margin: 0; }
.rating-big { width: 46px; height: 46px; border-radius: 6px; color: white; font-size: 26px; font-weight: 700; display: flex; align-items: center; justify-content: center; flex: none; }
.rating-P { background: var(--p); } .rating-S { background: var(--s); } .rating-M { background: var(--m); } .rating-U { background: var(--u); } .rating-none { background: #9aa5b1; font-size: 15px; }
.rating-text { margin: 2px 0 0; color: var(--muted); }
.notes { list-style: none; padding: 0; margin: 0; }
.notes li { border-left: 3px solid var(--line); padding: 2px 10px; margin: 6px 0; }
.notes .byline { font-size: 11px; color: var(--muted); margin: 0; }
details.per-team summary { cursor: pointer; color: var(--muted); font-size: 12px; margin-top: 10px; }

.team { margin-top: 26px; }
.team-head { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 1px solid var(--line); }
.team-head h3 { margin: 0 0 4px; }
.since-last-drill { margin: 6px 0; color: var(--muted); }
.team-score .big { font-size: 20px; font-weight: 700; color: var(--navy); }
.inject { border-top: 1px solid var(--line); padding-top: 6px; margin-top: 12px; }
.inject h3 { margin: 6px 0 2px; font-size: 14px; }
.inject-id { display: inline-block; background: var(--navy); color: white; border-radius: 3px; padding: 0 6px; font-size: 12px; margin-right: 4px; }
.inject-meta { font-size: 12px; color: var(--muted); }
.misses { margin: 2px 0; padding-left: 18px; font-size: 13px; }
.miss-kind { font-size: 10px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.crit { background: var(--u); color: white; font-size: 10px; border-radius: 3px; padding: 0 4px; text-transform: uppercase; }
.tlp { font-family: "SFMono-Regular", Consolas, monospace; font-size: 11px; background: #000; padding: 0 4px; border-radius: 2px; white-space: nowrap; }
.tlp-clear { color: #fff; } .tlp-green { color: #33ff00; } .tlp-amber, .tlp-amber-strict { color: #ffc000; } .tlp-red { color: #ff2b2b; }
.grid thead .tlp { font-size: 10px; }
.marking { display: flex; gap: 10px; align-items: baseline; font-size: 12px; color: var(--muted); margin: 0 0 14px; }
.marking .tlp { font-size: 14px; font-weight: 700; padding: 2px 8px; }
.marking-bottom { margin: 32px 0 0; padding-top: 10px; border-top: 1px solid var(--line); }
.doc-footer .tlp { font-size: 11px; font-weight: 700; }

figure.chart { margin: 16px 0 22px; padding: 12px; border: 1px solid var(--line); border-radius: 6px; text-align: center; break-inside: avoid-page; }
figure.chart svg { max-width: 100%; height: auto; }
.fig-title { font-size: 14px; text-align: left; margin: 0 0 8px; }
figcaption { font-size: 12px; color: var(--muted); text-align: left; margin-top: 6px; }
.fig-no { font-weight: 700; color: var(--ink); }
.timeline td { font-size: 11px; }
.timeline .k-release td { color: var(--muted); }
.doc-footer { max-width: 1060px; margin: 0 auto 32px; font-size: 11px; color: var(--muted); text-align: center; }

@page { size: A4; margin: 16mm 13mm 16mm; }
@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9px Helvetica, Arial, sans-serif; color: #616e7c; } }
@media print {
  body { background: white; font-size: 10.5pt; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  .watermark { top: 40%; font-size: 120pt; }
  .section { margin-top: 0; break-before: page; }
  #overview { break-before: auto; margin-top: 18px; }
  h2, h3, h4 { break-after: avoid-page; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .team-scores tr.fig { break-after: avoid; }
  .kpis { grid-template-columns: repeat(3, 1fr); }
  details.per-team summary { display: none; }
  a { color: inherit; }
  .doc-footer { display: none; }
}
@media screen and (max-width: 760px) {
  main { padding: 20px; }
  .meta, .kpis, .two-col { grid-template-columns: 1fr; }
}
`;
