/**
 * The dashboard's client script, inlined into the page. Plain ES2020 with no dependencies:
 * charts are SVG drawn here, the mismatch table pages through /api/mismatches. Data is only
 * ever inserted with textContent/setAttribute, never as HTML.
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var state = { offset: 0, limit: 25, column: '', key: '', total: 0 };
  var RED = '#c0392b', GREEN = '#2e8b57', BLUE = '#2f6fb0', ORANGE = '#e08e0b';
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(n) {
    if (n === null || n === undefined) return '';
    if (typeof n !== 'number') return String(n);
    return Number.isInteger(n) ? n.toLocaleString('en-US') : Number(n.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 });
  }

  // Horizontal bars: items [{label, values[], colors?[]}], series [{name, color}].
  function barChart(id, items, series, onClick) {
    var box = $(id);
    box.textContent = '';
    if (items.length === 0) { box.appendChild(el('p', { 'class': 'muted' }, 'nothing to chart')); return; }
    var bar = 16, gap = 3, rowH = series.length * (bar + gap) + 8, labelW = 150, width = 520, plotW = width - labelW - 90;
    var max = 0;
    items.forEach(function (it) { it.values.forEach(function (v) { max = Math.max(max, Math.abs(v || 0)); }); });
    if (max === 0) max = 1;
    var s = svg('svg', { width: width, height: items.length * rowH + 6, viewBox: '0 0 ' + width + ' ' + (items.length * rowH + 6), role: 'img', 'class': 'chart' });
    items.forEach(function (it, i) {
      var y = i * rowH + 4;
      s.appendChild(svg('text', { x: labelW - 8, y: y + (rowH - 8) / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', 'class': 'label' }, it.label));
      it.values.forEach(function (v, j) {
        var w = Math.max(v ? 2 : 0, (Math.abs(v || 0) / max) * plotW), by = y + j * (bar + gap);
        var r = svg('rect', { x: labelW, y: by, width: w, height: bar, rx: 2, fill: (it.colors && it.colors[j]) || series[j].color, 'class': 'bar' });
        r.appendChild(svg('title', {}, it.label + ' | ' + series[j].name + ': ' + fmt(v)));
        if (onClick) { r.style.cursor = 'pointer'; r.addEventListener('click', function () { onClick(it); }); }
        s.appendChild(r);
        s.appendChild(svg('text', { x: labelW + w + 5, y: by + bar / 2, 'dominant-baseline': 'middle', 'class': 'value' }, fmt(v)));
      });
    });
    box.appendChild(s);
    if (series.length > 1) {
      var legend = el('div', { 'class': 'legend' });
      series.forEach(function (sr) { var sw = el('span', { 'class': 'swatch' }); sw.style.background = sr.color; legend.appendChild(sw); legend.appendChild(el('span', {}, sr.name)); });
      box.appendChild(legend);
    }
  }

  function kpi(id, value, tone) { var k = $(id); k.textContent = value; if (tone) k.className = 'kpi-value ' + tone; }

  function renderResult(r) {
    $('title').textContent = r.name;
    var badge = $('verdict');
    badge.textContent = r.reconciled ? 'RECONCILED' : 'NOT RECONCILED';
    badge.className = 'badge ' + (r.reconciled ? 'ok' : 'bad');
    $('meta').textContent = 'source ' + r.source.location + '  ·  target ' + r.target.location + '  ·  key ' + r.primaryKey.join(', ') + '  ·  ' + r.finishedAt + '  ·  ' + (r.durationMs / 1000).toFixed(2) + ' s';
    kpi('kpi-match-rate', r.matchRate.toFixed(2) + ' %', r.matchRate >= 99.99 ? 'ok' : 'bad');
    kpi('kpi-source-rows', fmt(r.rowCount.source));
    kpi('kpi-target-rows', fmt(r.rowCount.target), r.rowCount.source === r.rowCount.target ? 'ok' : 'bad');
    kpi('kpi-mismatched', fmt(r.hash.mismatchedRows), r.hash.mismatchedRows === 0 ? 'ok' : 'bad');
    kpi('kpi-orphans', fmt(r.keys.sourceOnly) + ' / ' + fmt(r.keys.targetOnly), r.keys.sourceOnly + r.keys.targetOnly === 0 ? 'ok' : 'bad');
    kpi('kpi-duplicates', fmt(r.keys.duplicateKeysSource) + ' / ' + fmt(r.keys.duplicateKeysTarget), r.keys.duplicateKeysSource + r.keys.duplicateKeysTarget === 0 ? 'ok' : 'bad');

    barChart('chart-mismatches', r.hash.byColumn.map(function (c) { return { label: c.column, values: [c.mismatches] }; }), [{ name: 'mismatched cells', color: RED }],
      function (it) { setColumn(it.label); });
    barChart('chart-nulls', r.nulls.columns.map(function (c) { return { label: c.column, values: [c.sourceNullPct, c.targetNullPct] }; }),
      [{ name: 'source null %', color: BLUE }, { name: 'target null %', color: ORANGE }]);
    barChart('chart-aggregates', r.aggregates.rows.map(function (a) {
      return { label: a.column + '.' + a.metric, values: [a.relativeDifference === null ? 0 : 100 * a.relativeDifference], colors: [a.status === 'PASS' ? GREEN : RED] };
    }), [{ name: 'relative difference %', color: RED }]);
    barChart('chart-keys', [
      { label: 'only in source', values: [r.keys.sourceOnly] }, { label: 'only in target', values: [r.keys.targetOnly] },
      { label: 'duplicate keys (source)', values: [r.keys.duplicateKeysSource] }, { label: 'duplicate keys (target)', values: [r.keys.duplicateKeysTarget] },
    ], [{ name: 'keys', color: ORANGE }]);
    barChart('chart-rows', [{ label: 'rows', values: [r.rowCount.source, r.rowCount.target] }], [{ name: 'source', color: BLUE }, { name: 'target', color: ORANGE }]);

    var body = $('summary-body');
    body.textContent = '';
    r.summary.forEach(function (s) {
      var tr = el('tr');
      [s.check, s.status, fmt(s.sourceCount), fmt(s.targetCount), fmt(s.difference), s.matchRate === null ? '' : s.matchRate.toFixed(2), s.detail].forEach(function (v, i) {
        tr.appendChild(el('td', i === 1 ? { 'class': 'status ' + s.status } : {}, v));
      });
      body.appendChild(tr);
    });
    var messages = $('messages');
    messages.textContent = '';
    r.messages.forEach(function (m) { messages.appendChild(el('li', {}, m)); });

    var select = $('column-filter');
    r.hash.byColumn.forEach(function (c) { if (c.mismatches > 0) select.appendChild(el('option', { value: c.column }, c.column + ' (' + fmt(c.mismatches) + ')')); });
    var labels = { summary: 'Summary CSV', excel: 'Excel workbook', mismatchesCsv: 'Mismatches CSV', keyIssuesCsv: 'Orphans & duplicates CSV', mismatchesParquet: 'Mismatches Parquet', result: 'Result JSON' };
    var dl = $('downloads');
    dl.textContent = '';
    Object.keys(labels).forEach(function (k) {
      var file = r.artifacts[k];
      if (file) dl.appendChild(el('a', { href: '/download/' + encodeURIComponent(file), download: file, 'class': 'button', 'data-artifact': k }, labels[k]));
    });
  }

  function setColumn(column) { $('column-filter').value = column; state.column = column; state.offset = 0; loadPage(); }

  function loadPage() {
    var q = new URLSearchParams({ offset: String(state.offset), limit: String(state.limit), column: state.column, key: state.key });
    return fetch('/api/mismatches?' + q.toString()).then(function (res) { return res.json(); }).then(function (page) {
      state.total = page.total;
      var body = $('mismatch-body');
      body.textContent = '';
      page.rows.forEach(function (m) {
        var tr = el('tr');
        [m.recordKey, m.column, m.sourceValue === null ? 'NULL' : m.sourceValue, m.targetValue === null ? 'NULL' : m.targetValue].forEach(function (v) { tr.appendChild(el('td', {}, v)); });
        body.appendChild(tr);
      });
      var pages = Math.max(1, Math.ceil(page.total / state.limit));
      $('page-info').textContent = 'page ' + (Math.floor(state.offset / state.limit) + 1) + ' of ' + fmt(pages) + ' · ' + fmt(page.total) + ' mismatched cells';
      $('prev').disabled = state.offset === 0;
      $('next').disabled = state.offset + state.limit >= page.total;
      document.body.setAttribute('data-page-loaded', String(state.offset));
    });
  }

  $('prev').addEventListener('click', function () { state.offset = Math.max(0, state.offset - state.limit); loadPage(); });
  $('next').addEventListener('click', function () { state.offset += state.limit; loadPage(); });
  $('column-filter').addEventListener('change', function (e) { setColumn(e.target.value); });
  $('page-size').addEventListener('change', function (e) { state.limit = Number(e.target.value); state.offset = 0; loadPage(); });
  var timer;
  $('key-filter').addEventListener('input', function (e) {
    clearTimeout(timer);
    timer = setTimeout(function () { state.key = e.target.value; state.offset = 0; loadPage(); }, 250);
  });

  fetch('/api/result').then(function (res) { return res.json(); }).then(function (r) {
    renderResult(r);
    return loadPage();
  }).then(function () { document.body.setAttribute('data-ready', 'true'); }, function (err) {
    $('messages').appendChild(el('li', {}, 'cannot load the result: ' + err));
  });
})();
`;
