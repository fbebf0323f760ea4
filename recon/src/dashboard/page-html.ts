import { DASHBOARD_SCRIPT } from './page-script.js';

const STYLE = `
  :root { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d2733; background: #f4f6f9; }
  body { margin: 0; padding: 20px 28px 48px; }
  header { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
  h1 { font-size: 22px; margin: 0; } h2 { font-size: 15px; margin: 0 0 10px; color: #3b4a5a; }
  .badge { padding: 4px 10px; border-radius: 12px; font-weight: 600; font-size: 13px; }
  .badge.ok { background: #d8f1e2; color: #1e6b43; } .badge.bad { background: #f8dcd8; color: #9b2c20; }
  #meta { color: #6b7887; font-size: 12px; margin: 6px 0 18px; word-break: break-all; }
  .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin-bottom: 18px; }
  .card { background: #fff; border-radius: 8px; padding: 14px 16px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .kpi-label { font-size: 12px; color: #6b7887; text-transform: uppercase; letter-spacing: .04em; }
  .kpi-value { font-size: 24px; font-weight: 650; margin-top: 4px; } .kpi-value.ok { color: #1e6b43; } .kpi-value.bad { color: #9b2c20; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(540px, 1fr)); gap: 12px; margin-bottom: 18px; }
  .chart text { font-size: 11px; fill: #3b4a5a; } .chart .bar:hover { opacity: .75; }
  .legend { font-size: 12px; color: #3b4a5a; display: flex; gap: 6px; align-items: center; margin-top: 6px; }
  .swatch { width: 12px; height: 12px; border-radius: 2px; display: inline-block; margin-left: 8px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e6eaef; vertical-align: top; }
  th { background: #eef2f6; font-weight: 600; } td { overflow-wrap: break-word; }
  /* A number never breaks inside itself: it keeps one line, its digits aligned. */
  td.num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
  td.detail { overflow-wrap: anywhere; min-width: 16em; }
  .status.PASS { color: #1e6b43; font-weight: 600; } .status.FAIL, .status.ERROR { color: #9b2c20; font-weight: 600; } .status.WARN { color: #a86400; font-weight: 600; }
  .controls { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
  input, select, button { font: inherit; padding: 4px 8px; }
  .button { display: inline-block; background: #2f6fb0; color: #fff; padding: 7px 12px; border-radius: 6px; text-decoration: none; margin: 0 8px 8px 0; font-size: 13px; }
  .muted { color: #8a96a3; } #messages li { color: #9b2c20; }
  section { margin-bottom: 18px; }
`;

const BODY = `
  <header><h1 id="title">Reconciliation</h1><span id="verdict" class="badge">loading…</span></header>
  <div id="meta"></div>
  <section class="card" id="suite" hidden><h2><span id="suite-title">Tables</span> · table <select id="table-picker" aria-label="table"></select></h2>
    <table><thead><tr><th>table</th><th>status</th><th>match %</th><th>source rows</th><th>target rows</th><th>failed checks</th></tr></thead>
    <tbody id="suite-body"></tbody></table><div id="suite-downloads" class="controls"></div>
  </section>
  <section class="kpis">
    <div class="card"><div class="kpi-label">Match rate</div><div class="kpi-value" id="kpi-match-rate">–</div></div>
    <div class="card"><div class="kpi-label">Source rows</div><div class="kpi-value" id="kpi-source-rows">–</div></div>
    <div class="card"><div class="kpi-label">Target rows</div><div class="kpi-value" id="kpi-target-rows">–</div></div>
    <div class="card"><div class="kpi-label">Mismatched rows</div><div class="kpi-value" id="kpi-mismatched">–</div></div>
    <div class="card"><div class="kpi-label">Orphans src / tgt</div><div class="kpi-value" id="kpi-orphans">–</div></div>
    <div class="card"><div class="kpi-label">Duplicate keys src / tgt</div><div class="kpi-value" id="kpi-duplicates">–</div></div>
  </section>
  <ul id="messages"></ul>
  <section class="card"><h2>Downloads</h2><div id="downloads"></div></section>
  <section class="charts">
    <div class="card"><h2>Mismatches by column <span class="muted">(click a bar to filter the table)</span></h2><div id="chart-mismatches"></div></div>
    <div class="card"><h2>Null variance (% of rows)</h2><div id="chart-nulls"></div></div>
    <div class="card"><h2>Aggregate differences (% of target)</h2><div id="chart-aggregates"></div></div>
    <div class="card"><h2>Orphans and duplicate keys</h2><div id="chart-keys"></div><h2>Row counts</h2><div id="chart-rows"></div></div>
  </section>
  <section class="card"><h2>Checks</h2>
    <table><thead><tr><th>check</th><th>status</th><th>source</th><th>target</th><th>difference</th><th>match %</th><th>detail</th></tr></thead>
    <tbody id="summary-body"></tbody></table>
  </section>
  <section class="card"><h2>Mismatched cells</h2>
    <div class="controls">
      <label>column <select id="column-filter"><option value="">all columns</option></select></label>
      <label>key contains <input id="key-filter" type="search" placeholder="record key"></label>
      <label>rows <select id="page-size"><option>25</option><option>50</option><option>100</option></select></label>
      <button id="prev" type="button">‹ prev</button><button id="next" type="button">next ›</button>
      <span id="page-info" class="muted"></span>
    </div>
    <table><thead><tr><th>record key</th><th>column</th><th>source value</th><th>target value</th></tr></thead>
    <tbody id="mismatch-body"></tbody></table>
  </section>
`;

/** The whole dashboard as one self-contained HTML document (no external resources). */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reconciliation dashboard · Coat Tail Capital</title><style>${STYLE}</style></head>
<body>${BODY}<script>${DASHBOARD_SCRIPT}</script></body></html>`;
}
