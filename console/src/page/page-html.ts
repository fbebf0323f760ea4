import { CHART_SCRIPT } from './page-charts.js';
import { CONSOLE_SCRIPT } from './page-script.js';

const STYLE = `
  :root { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d2733; background: #f4f6f9; }
  body { margin: 0; padding: 16px 24px 40px; }
  header { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; margin-bottom: 12px; }
  h1 { font-size: 21px; margin: 0; } h2 { font-size: 15px; margin: 0 0 8px; color: #3b4a5a; }
  h3 { font-size: 14px; margin: 0 0 6px; }
  a { color: #1f5c99; } a:focus, button:focus, select:focus { outline: 3px solid #f0b429; outline-offset: 2px; }
  .badge { padding: 3px 10px; border-radius: 12px; font-weight: 600; font-size: 13px; background: #e6eaef; }
  .badge.live { background: #d8f1e2; color: #1e6b43; } .badge.down { background: #f8dcd8; color: #9b2c20; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 12px; margin-bottom: 14px; }
  .card { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  section { margin-bottom: 14px; }
  .kpis { display: flex; gap: 18px; flex-wrap: wrap; margin-bottom: 8px; }
  .kpi-label { font-size: 11px; color: #5d6b7a; text-transform: uppercase; letter-spacing: .04em; }
  .kpi-value { font-size: 20px; font-weight: 650; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e6eaef; }
  th { background: #eef2f6; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .feed { max-height: 360px; overflow-y: auto; }
  .kind { font-weight: 600; } .kind.WHALE { color: #1f5c99; } .kind.SPREAD { color: #a86400; } .kind.VOLUME_ANOMALY { color: #9b2c20; }
  .controls { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
  select, button { font: inherit; padding: 3px 8px; }
  .chart text { font-size: 10px; fill: #5d6b7a; }
  .legend { font-size: 12px; color: #3b4a5a; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; }
  .muted { color: #6b7887; } #errors li { color: #9b2c20; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;

const BODY = `
  <header>
    <h1>Coat Tail Capital · operations</h1>
    <span id="status" class="badge" role="status" aria-live="polite">connecting…</span>
    <button id="pause" type="button" aria-pressed="false">pause updates</button>
    <a id="recon-link" href="#" hidden>reconciliation dashboard</a>
    <span id="updated" class="muted"></span>
  </header>
  <ul id="errors"></ul>
  <section class="card" aria-labelledby="alerts-title">
    <h2 id="alerts-title">Live alerts</h2>
    <div class="kpis">
      <div><div class="kpi-label">whales</div><div class="kpi-value" id="count-WHALE">–</div></div>
      <div><div class="kpi-label">volume anomalies</div><div class="kpi-value" id="count-VOLUME_ANOMALY">–</div></div>
      <div><div class="kpi-label">spreads flagged</div><div class="kpi-value" id="count-SPREAD">–</div></div>
    </div>
    <div class="controls">
      <label>kind <select id="kind-filter"><option value="">all kinds</option><option value="WHALE">whales</option>
        <option value="VOLUME_ANOMALY">volume anomalies</option><option value="SPREAD">spreads</option></select></label>
      <label>symbol <select id="symbol-filter"><option value="">all symbols</option></select></label>
    </div>
    <div class="feed" tabindex="0" aria-label="alerts feed, newest first">
      <table><thead><tr><th scope="col">time (UTC)</th><th scope="col">kind</th><th scope="col">symbol</th>
        <th scope="col">exchange</th><th scope="col">detail</th></tr></thead><tbody id="alerts-body"></tbody></table>
    </div>
  </section>
  <section aria-labelledby="markets-title">
    <h2 id="markets-title">Markets <span class="legend"><span class="swatch" style="background:#2f6fb0"></span>last price
      <span class="swatch" style="background:#e08e0b"></span>VWAP <span class="swatch" style="background:#c0392b"></span>whale
      <span class="swatch" style="background:#d68910"></span>spread <span class="swatch" style="background:#7d3c98"></span>volume anomaly</span></h2>
    <div id="markets" class="grid"></div>
  </section>
  <div class="grid">
    <section class="card" aria-labelledby="health-title">
      <h2 id="health-title">Pipeline health</h2>
      <table><tbody id="health-body"></tbody></table>
      <h3>Quality gate</h3>
      <table><thead><tr><th scope="col">job</th><th scope="col">QualityScore</th><th scope="col">RecordsProcessed</th>
        <th scope="col">RecordsFailed</th><th scope="col">RecordsLate</th></tr></thead><tbody id="quality-body"></tbody></table>
      <h3>DLQ objects by reason</h3>
      <table><tbody id="dlq-body"></tbody></table>
    </section>
    <section class="card" aria-labelledby="tables-title">
      <h2 id="tables-title">Iceberg tables</h2>
      <table><thead><tr><th scope="col">table</th><th scope="col">snapshots</th><th scope="col">rows</th>
        <th scope="col">last commit (UTC)</th></tr></thead><tbody id="tables-body"></tbody></table>
      <h2 style="margin-top:14px">File quality (Postgres)</h2>
      <table><thead><tr><th scope="col">agency</th><th scope="col">file</th><th scope="col">score</th>
        <th scope="col">passed</th><th scope="col">last run</th></tr></thead><tbody id="fq-body"></tbody></table>
    </section>
  </div>
`;

/** The whole page as one self-contained document: inline style, inline SVG charts, no external resource. */
export function consoleHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Operations · Coat Tail Capital</title><style>${STYLE}</style></head>
<body>${BODY}<script>${CHART_SCRIPT}${CONSOLE_SCRIPT}</script></body></html>`;
}
