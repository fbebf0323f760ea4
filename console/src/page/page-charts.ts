/**
 * The page's SVG charts, inlined: a price/VWAP line chart with alert markers and a bar chart
 * with threshold lines (spread % per window, z-score per window). Small on purpose: no charting
 * library, nothing fetched. Text goes in only through textContent/setAttribute (`Charts.dress`,
 * which the page script builds its HTML elements with too).
 */
export const CHART_SCRIPT = String.raw`
var Charts = (function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var W = 440, H = 150, L = 58, R = 8, T = 8, B = 18;
  // Attributes and text go in only through setAttribute/textContent: data never becomes markup.
  function dress(e, attrs, text) {
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) { return dress(document.createElementNS(NS, tag), attrs, text); }
  function frame(label, height) {
    var s = svg('svg', { width: '100%', viewBox: '0 0 ' + W + ' ' + (height || H), role: 'img', 'aria-label': label, 'class': 'chart' });
    s.appendChild(svg('title', {}, label));
    return s;
  }
  function fmt(v) {
    var a = Math.abs(v);
    return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(2) : a >= 1 ? v.toFixed(3) : v.toPrecision(3);
  }
  function clock(t) { return new Date(t).toISOString().slice(11, 19); }
  function axis(s, lo, hi, y, t0, t1, h) {
    s.appendChild(svg('text', { x: L - 4, y: T + 8, 'text-anchor': 'end' }, fmt(hi)));
    s.appendChild(svg('text', { x: L - 4, y: h - B, 'text-anchor': 'end' }, fmt(lo)));
    s.appendChild(svg('text', { x: L, y: h - 4 }, clock(t0)));
    s.appendChild(svg('text', { x: W - R, y: h - 4, 'text-anchor': 'end' }, clock(t1)));
    s.appendChild(svg('line', { x1: L, x2: W - R, y1: h - B, y2: h - B, stroke: '#c9d1da' }));
  }

  // points [{t, price, vwap}], markers [{t, price, label, id, color}]; a marker without a price sits on the top edge
  function priceChart(label, points, markers, t0, t1) {
    var s = frame(label);
    if (points.length === 0) { s.appendChild(svg('text', { x: L, y: H / 2 }, 'waiting for trades…')); return s; }
    var lo = Infinity, hi = -Infinity;
    points.forEach(function (p) { lo = Math.min(lo, p.price, p.vwap); hi = Math.max(hi, p.price, p.vwap); });
    markers.forEach(function (m) { if (m.price > 0) { lo = Math.min(lo, m.price); hi = Math.max(hi, m.price); } });
    if (hi === lo) { hi += 1; lo -= 1; }
    var pad = (hi - lo) * 0.05; lo -= pad; hi += pad;
    var x = function (t) { return L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R); };
    var y = function (v) { return T + (1 - (v - lo) / (hi - lo)) * (H - T - B); };
    axis(s, lo, hi, y, t0, t1, H);
    ['price', 'vwap'].forEach(function (key) {
      var d = points.map(function (p, i) { return (i ? 'L' : 'M') + x(p.t).toFixed(1) + ',' + y(p[key]).toFixed(1); }).join('');
      s.appendChild(svg('path', { d: d, fill: 'none', stroke: key === 'price' ? '#2f6fb0' : '#e08e0b', 'stroke-width': key === 'price' ? 1.2 : 2, 'class': key + '-line' }));
    });
    markers.forEach(function (m) {
      if (m.t < t0 || m.t > t1) return;
      var my = m.price > 0 ? y(m.price) : T + 6;
      var c = svg('circle', { cx: x(m.t), cy: my, r: 5, fill: m.color || '#c0392b', stroke: '#fff', 'stroke-width': 1.5, 'class': 'marker', 'data-alert-id': m.id });
      c.appendChild(svg('title', {}, m.label));
      s.appendChild(c);
    });
    return s;
  }

  // bars [{t, v, color, label}], thresholds [number]
  function barChart(label, bars, thresholds, t0, t1, span, empty) {
    var h = 110, s = frame(label, h);
    if (bars.length === 0) { s.appendChild(svg('text', { x: L, y: h / 2 }, empty || 'no complete window yet')); return s; }
    var lo = 0, hi = 0;
    bars.forEach(function (b) { lo = Math.min(lo, b.v); hi = Math.max(hi, b.v); });
    thresholds.forEach(function (v) { lo = Math.min(lo, v * 1.1); hi = Math.max(hi, v * 1.1); });
    if (hi === lo) hi = 1;
    var x = function (t) { return L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R); };
    var y = function (v) { return T + (1 - (v - lo) / (hi - lo)) * (h - T - B); };
    axis(s, lo, hi, y, t0, t1, h);
    var bw = Math.max(1, (span / Math.max(1, t1 - t0)) * (W - L - R) - 1);
    bars.forEach(function (b) {
      var y0 = y(0), y1 = y(b.v);
      var r = svg('rect', { x: x(b.t), y: Math.min(y0, y1), width: bw, height: Math.max(1, Math.abs(y1 - y0)), fill: b.color, 'class': 'bar' });
      r.appendChild(svg('title', {}, b.label));
      s.appendChild(r);
    });
    thresholds.forEach(function (v) {
      s.appendChild(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#c0392b', 'stroke-dasharray': '4 3', 'class': 'threshold' }));
    });
    return s;
  }
  return { priceChart: priceChart, barChart: barChart, fmt: fmt, clock: clock, dress: dress };
})();
`;
