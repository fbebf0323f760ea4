/**
 * The dashboard's client script, inlined into the page. Plain ES2020 with no dependencies:
 * charts are SVG drawn here, the mismatch table pages through /api/mismatches. Data is only
 * ever inserted with textContent/setAttribute, never as HTML.
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var state = { offset: 0, limit: 25, column: '', key: '', total: 0, table: '' };
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
    var max = 0, negative = false;
    items.forEach(function (it) { it.values.forEach(function (v) { max = Math.max(max, Math.abs(v || 0)); negative = negative || v < 0; }); });
    if (max === 0) max = 1;
    // With negative values the axis moves to the middle: below zero draws left, above zero right.
    var axis = negative ? labelW + plotW / 2 : labelW, scale = negative ? plotW / 2 : plotW;
    var s = svg('svg', { width: width, height: items.length * rowH + 6, viewBox: '0 0 ' + width + ' ' + (items.length * rowH + 6), role: 'img', 'class': 'chart' });
    items.forEach(function (it, i) {
      var y = i * rowH + 4;
      s.appendChild(svg('text', { x: labelW - 8, y: y + (rowH - 8) / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', 'class': 'label' }, it.label));
      it.values.forEach(function (v, j) {
        var w = Math.max(v ? 2 : 0, (Math.abs(v || 0) / max) * scale), by = y + j * (bar + gap), left = v < 0;
        var r = svg('rect', { x: left ? axis - w : axis, y: by, width: w, height: bar, rx: 2, fill: (it.colors && it.colors[j]) || series[j].color, 'class': 'bar', 'data-value': v || 0 });
        r.appendChild(svg('title', {}, it.label + ' | ' + series[j].name + ': ' + fmt(v)));
        if (onClick) { r.style.cursor = 'pointer'; r.addEventListener('click', function () { onClick(it); }); }
        s.appendChild(r);
        s.appendChild(svg('text', { x: left ? axis - w - 5 : axis + w + 5, y: by + bar / 2, 'text-anchor': left ? 'end' : 'start', 'dominant-baseline': 'middle', 'class': 'value' }, fmt(v)));
      });
    });
    if (negative) s.appendChild(svg('line', { x1: axis, x2: axis, y1: 0, y2: items.length * rowH + 6, stroke: '#8a96a3', 'class': 'axis' }));
    box.appendChild(s);
    if (series.length > 1) {
      var legend = el('div', { 'class': 'legend' });
      series.forEach(function (sr) { var sw = el('span', { 'class': 'swatch' }); sw.style.background = sr.color; legend.appendChild(sw); legend.appendChild(el('span', {}, sr.name)); });
      box.appendChild(legend);
    }
  }

  // In a multi-table run every request names the picked table; a single run names none.
  function withTable(url) { return state.table ? url + (url.indexOf('?') < 0 ? '?' : '&') + 'table=' + encodeURIComponent(state.table) : url; }
  function downloadUrl(file) { return withTable('/download/' + encodeURIComponent(file)); }
  function getJson(url) { return fetch(url).then(function (res) { if (!res.ok) throw new Error(url + ': HTTP ' + res.status); return res.json(); }); }

  function renderSuite(suite) {
    $('suite').hidden = false;
    $('suite-title').textContent = suite.name + ' · ' + (suite.reconciled ? 'every table reconciled' : suite.tables.filter(function (t) { return t.status === 'RECONCILED'; }).length + ' of ' + suite.tables.length + ' tables reconciled');
    var picker = $('table-picker'), body = $('suite-body');
    suite.tables.forEach(function (t) {
      var option = el('option', { value: t.name }, t.name + ' · ' + t.status);
      option.disabled = t.status === 'ERROR';
      picker.appendChild(option);
      var tr = el('tr', { 'data-table': t.name });
      [t.name, t.status, t.matchRate === null ? '' : t.matchRate.toFixed(2), fmt(t.sourceRows), fmt(t.targetRows), t.error || t.failedChecks.join(', ')].forEach(function (v, i) {
        tr.appendChild(el('td', i === 1 ? { 'class': 'status ' + (t.status === 'RECONCILED' ? 'PASS' : 'FAIL') } : i >= 2 && i <= 4 ? { 'class': 'num' } : {}, v));
      });
      if (t.status !== 'ERROR') { tr.style.cursor = 'pointer'; tr.addEventListener('click', function () { pickTable(t.name); }); }
      body.appendChild(tr);
    });
    Object.keys(suite.artifacts).forEach(function (k) {
      var file = suite.artifacts[k];
      $('suite-downloads').appendChild(el('a', { href: '/download/' + encodeURIComponent(file), download: file, 'class': 'button', 'data-suite-artifact': k }, k === 'summary' ? 'Tables summary CSV' : file));
    });
    picker.addEventListener('change', function (e) { pickTable(e.target.value); });
  }

  function pickTable(name) {
    $('table-picker').value = name;
    state.table = name; state.offset = 0; state.column = ''; state.key = ''; $('key-filter').value = '';
    return getJson(withTable('/api/result')).then(function (r) { renderResult(r); return loadPage(); })
      .then(function () { document.body.setAttribute('data-table', name); });
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
        tr.appendChild(el('td', i === 1 ? { 'class': 'status ' + s.status } : i >= 2 && i <= 5 ? { 'class': 'num' } : i === 6 ? { 'class': 'detail' } : {}, v));
      });
      body.appendChild(tr);
    });
    var messages = $('messages');
    messages.textContent = '';
    r.messages.forEach(function (m) { messages.appendChild(el('li', {}, m)); });

    var select = $('column-filter');
    select.length = 1;
    r.hash.byColumn.forEach(function (c) { if (c.mismatches > 0) select.appendChild(el('option', { value: c.column }, c.column + ' (' + fmt(c.mismatches) + ')')); });
    var labels = { summary: 'Summary CSV', excel: 'Excel workbook', mismatchesCsv: 'Mismatches CSV', mismatchesParquet: 'Mismatches Parquet',
      keyIssuesCsv: 'Orphans & duplicates CSV', keyIssuesParquet: 'Orphans & duplicates Parquet', result: 'Result JSON' };
    var dl = $('downloads');
    dl.textContent = '';
    // Every artifact the result lists gets a button; one without a label shows its file name.
    Object.keys(r.artifacts).forEach(function (k) {
      var file = r.artifacts[k];
      dl.appendChild(el('a', { href: downloadUrl(file), download: file, 'class': 'button', 'data-artifact': k }, labels[k] || file));
    });
  }

  function setColumn(column) { $('column-filter').value = column; state.column = column; state.offset = 0; loadPage(); }

  function loadPage() {
    var q = new URLSearchParams({ offset: String(state.offset), limit: String(state.limit), column: state.column, key: state.key });
    return getJson(withTable('/api/mismatches?' + q.toString())).then(function (page) {
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

  getJson('/api/tables').then(function (tables) {
    var suite = tables.suite, first = suite && suite.tables.filter(function (t) { return t.status !== 'ERROR'; })[0];
    if (suite) renderSuite(suite);
    if (first) return pickTable(first.name);
    if (suite) return undefined;
    return getJson('/api/result').then(function (r) { renderResult(r); return loadPage(); });
  }).then(function () { document.body.setAttribute('data-ready', 'true'); }, function (err) {
    $('messages').appendChild(el('li', {}, 'cannot load the result: ' + err));
  });
})();
`;
