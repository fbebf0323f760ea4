/**
 * The page's client script, inlined: one EventSource on /events (server-sent snapshots, a few per
 * second), each snapshot rendered in full. Plain ES2017, no dependencies; data goes into the DOM
 * only through textContent/setAttribute, never as HTML.
 */
export const CONSOLE_SCRIPT = String.raw`
(function () {
  'use strict';
  var paused = false, last = null;
  var KIND = { WHALE: 'whale', VOLUME_ANOMALY: 'volume anomaly', SPREAD: 'spread' };
  var COLOR = { WHALE: '#c0392b', VOLUME_ANOMALY: '#7d3c98', SPREAD: '#d68910' };
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) { return Charts.dress(document.createElement(tag), attrs, text); }
  function stamp(t) { return new Date(t).toISOString().slice(0, 19).replace('T', ' '); }
  function num(n) { return n === undefined || n === null ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 }); }
  function row(cells, attrs) {
    var tr = el('tr', attrs);
    cells.forEach(function (c) { tr.appendChild(el(c.th ? 'th' : 'td', c.num ? { 'class': 'num' } : c.th ? { scope: 'row' } : {}, c.text)); });
    return tr;
  }
  function fill(id, rows) { var b = $(id); b.textContent = ''; rows.forEach(function (r) { b.appendChild(r); }); }
  function detail(a) {
    if (a.alert_type === 'WHALE') return (a.side || '') + ' ' + num(a.quote_volume) + ' quote @ ' + num(a.price);
    if (a.alert_type === 'SPREAD') return 'spread ' + num(a.spread_pct) + ' % (threshold ' + num(a.threshold_pct) + ' %)';
    return 'z ' + num(a.z_score) + ' (threshold ' + num(a.threshold) + ')';
  }

  function renderAlerts(s) {
    ['WHALE', 'VOLUME_ANOMALY', 'SPREAD'].forEach(function (k) { $('count-' + k).textContent = num(s.alertCounts[k] || 0); });
    var kind = $('kind-filter').value, symbol = $('symbol-filter').value;
    fill('alerts-body', s.alerts.filter(function (a) {
      return (!kind || a.alert_type === kind) && (!symbol || a.symbol === symbol);
    }).map(function (a) {
      var tr = row([{ text: stamp(a.alert_time) }, { text: KIND[a.alert_type] },
        { text: a.symbol }, { text: a.exchange || '' }, { text: detail(a) }], { 'data-alert-id': a.alert_id, 'data-kind': a.alert_type });
      tr.children[1].className = 'kind ' + a.alert_type;
      return tr;
    }));
    var select = $('symbol-filter'), have = {};
    Array.prototype.forEach.call(select.options, function (o) { have[o.value] = true; });
    s.market.symbols.forEach(function (m) { if (!have[m.symbol]) select.appendChild(el('option', { value: m.symbol }, m.symbol)); });
  }

  function renderMarkets(s) {
    var box = $('markets'), t1 = s.at;
    box.textContent = '';
    s.market.symbols.forEach(function (m) {
      // The time axis spans what there is, up to three minutes: a fresh start is readable too.
      var t0 = t1 - 180000, first = t1 - 30000;
      [m.points, m.spreads, m.zscores].forEach(function (list) { if (list.length) first = Math.min(first, list[0].t); });
      t0 = Math.max(t0, first);
      var card = el('div', { 'class': 'card', id: 'market-' + m.symbol });
      card.appendChild(el('h3', {}, m.symbol + '  ' + (m.lastPrice === undefined ? '' : num(m.lastPrice))));
      var markers = s.alerts.filter(function (a) { return a.symbol === m.symbol; }).map(function (a) {
        return { t: a.alert_time, price: a.price || 0, id: a.alert_id, color: COLOR[a.alert_type], label: KIND[a.alert_type] + ' · ' + detail(a) };
      });
      card.appendChild(Charts.priceChart(m.symbol + ' last price and VWAP, last 3 minutes, ' + markers.length + ' alerts', m.points, markers, t0, t1));
      var spreadSpan = m.spreads.length > 1 ? m.spreads[1].t - m.spreads[0].t : 5000;
      card.appendChild(el('div', { 'class': 'legend' }, 'cross-exchange spread % per window (dashed: threshold ' + s.market.spreadThresholdPct + ' %)'));
      card.appendChild(Charts.barChart(m.symbol + ' spread per window', m.spreads.map(function (p) {
        return { t: p.t, v: p.spreadPct, color: p.spreadPct >= s.market.spreadThresholdPct ? '#c0392b' : '#7aa6d6',
          label: Charts.clock(p.t) + ' ' + p.high + ' over ' + p.low + ': ' + p.spreadPct.toFixed(3) + ' %' };
      }), [s.market.spreadThresholdPct], t0, t1, spreadSpan));
      var scored = m.zscores.filter(function (z) { return z.z !== null; });
      var zSpan = scored.length > 1 ? Math.abs(scored[1].t - scored[0].t) || 2000 : 2000;
      card.appendChild(el('div', { 'class': 'legend' }, 'volume z-score per window and exchange (dashed: ±' + s.market.zThreshold + ')'
        + (scored.length < m.zscores.length ? ' · ' + (m.zscores.length - scored.length) + ' windows still building history' : '')));
      card.appendChild(Charts.barChart(m.symbol + ' volume z-score per window', scored.map(function (z) {
        return { t: z.t, v: z.z, color: Math.abs(z.z) >= s.market.zThreshold ? '#c0392b' : z.exchange === 'binance' ? '#8fb8a0' : '#b9a3d6',
          label: Charts.clock(z.t) + ' ' + z.exchange + ': volume ' + num(z.volume) + ', z ' + z.z.toFixed(2) };
      }), [s.market.zThreshold, -s.market.zThreshold], t0, t1, zSpan,
        m.zscores.length > 0 ? 'building history: windows are scored once they have enough before them' : undefined));
      box.appendChild(card);
    });
    if (s.market.symbols.length === 0) box.appendChild(el('p', { 'class': 'muted' }, 'no trades seen yet'));
  }

  function renderHealth(s) {
    var h = s.health, rows = [];
    Object.keys(s.market.tradesPerSecond).sort().forEach(function (ex) {
      rows.push(row([{ th: 1, text: 'trades/s ' + ex }, { num: 1, text: num(Math.round(s.market.tradesPerSecond[ex])) }], { id: 'h-rate-' + ex }));
    });
    rows.push(row([{ th: 1, text: 'trades seen by the console' }, { num: 1, text: num(Object.keys(s.market.tradesSeen).reduce(function (n, k) { return n + s.market.tradesSeen[k]; }, 0)) }], { id: 'h-seen' }));
    rows.push(row([{ th: 1, text: 'trades published' }, { num: 1, text: num(h.tradesPublished) }], { id: 'h-published' }));
    rows.push(row([{ th: 1, text: 'records read by the jobs' }, { num: 1, text: num(h.recordsRead) }], { id: 'h-read' }));
    rows.push(row([{ th: 1, text: 'alert items written' }, { num: 1, text: num(h.alertsWritten) }], { id: 'h-alerts-written' }));
    rows.push(row([{ th: 1, text: 'watermark lag' }, { num: 1, text: h.watermarkLagMs === undefined || h.watermarkLagMs === null ? '–' : (h.watermarkLagMs / 1000).toFixed(1) + ' s' }], { id: 'h-lag' }));
    rows.push(row([{ th: 1, text: 'checkpoints completed' }, { num: 1, text: num(h.checkpoints) }], { id: 'h-checkpoints' }));
    fill('health-body', rows);
    var q = h.quality || {};
    fill('quality-body', Object.keys(q).sort().map(function (job) {
      var v = q[job];
      return row([{ th: 1, text: job }, { num: 1, text: v.QualityScore.toFixed(2) + ' %' }, { num: 1, text: num(v.RecordsProcessed) },
        { num: 1, text: num(v.RecordsFailed) }, { num: 1, text: num(v.RecordsLate) }], { 'data-job': job });
    }));
    if (Object.keys(q).length === 0) fill('quality-body', [row([{ text: h.quality ? 'no interval published yet' : 'not available from this console' }])]);
    var d = s.dlqByReason;
    fill('dlq-body', d === null ? [row([{ text: 'not available' }])] : Object.keys(d).length === 0 ? [row([{ text: 'empty' }])]
      : Object.keys(d).sort().map(function (r) { return row([{ th: 1, text: r }, { num: 1, text: num(d[r]) }], { 'data-reason': r }); }));
  }

  function renderTables(s) {
    fill('tables-body', (s.tables || []).map(function (t) {
      return row([{ th: 1, text: t.name }, { num: 1, text: num(t.snapshots) }, { num: 1, text: num(t.rows) },
        { text: t.lastCommitMs ? stamp(t.lastCommitMs) : '–' }], { 'data-table': t.name });
    }));
    fill('fq-body', s.fileQuality === null ? [row([{ text: 'not configured (start with --database-url or DATABASE_URL)' }])]
      : s.fileQuality.map(function (f) {
        return row([{ text: f.agency }, { text: f.file }, { num: 1, text: num(f.score) }, { text: f.passed === null ? '–' : f.passed ? 'yes' : 'no' }, { text: f.runAt || '–' }]);
      }));
  }

  function render(s) {
    renderAlerts(s); renderMarkets(s); renderHealth(s); renderTables(s);
    var errors = Object.keys(s.errors).map(function (k) { return el('li', {}, k + ': ' + s.errors[k]); });
    fill('errors', errors);
    var link = $('recon-link');
    if (s.reconUrl) { link.href = s.reconUrl; link.hidden = false; } else link.hidden = true;
    $('updated').textContent = 'updated ' + Charts.clock(s.at) + ' UTC';
    document.body.setAttribute('data-seq', String(s.seq));
    document.body.setAttribute('data-ready', 'true');
  }

  $('pause').addEventListener('click', function () {
    paused = !paused;
    this.setAttribute('aria-pressed', String(paused));
    this.textContent = paused ? 'resume updates' : 'pause updates';
    if (!paused && last) render(last);
  });
  ['kind-filter', 'symbol-filter'].forEach(function (id) { $(id).addEventListener('change', function () { if (last) renderAlerts(last); }); });
  // The token (if any) came in the address: keep it out of the history and screenshots; the cookie carries it now.
  if (location.search.indexOf('token=') >= 0) history.replaceState(null, '', location.pathname);
  var source = new EventSource('events');
  source.onopen = function () { $('status').textContent = 'live'; $('status').className = 'badge live'; };
  source.onerror = function () { $('status').textContent = 'reconnecting…'; $('status').className = 'badge down'; };
  source.onmessage = function (e) { last = JSON.parse(e.data); if (!paused) render(last); };
})();
`;
