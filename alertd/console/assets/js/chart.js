// Hand-written SVG charts: a sparkline for tiles and a line chart with axes for the service page.
// Points are [unix seconds, value]; values that are not finite numbers are skipped.

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

function clean(points) {
  return (points || []).map(([t, v]) => [Number(t), Number(v)]).filter(([t, v]) => isFinite(t) && isFinite(v));
}

function bounds(points) {
  let t0 = Infinity, t1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (const [t, v] of points) {
    t0 = Math.min(t0, t); t1 = Math.max(t1, t); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
  }
  if (t1 === t0) { t0 -= 1; t1 += 1; }
  if (v1 === v0) { v0 -= Math.abs(v0) * 0.05 || 1; v1 += Math.abs(v1) * 0.05 || 1; }
  return {t0, t1, v0, v1};
}

function path(points, x, y) {
  return points.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
}

/** A sparkline of `points` (no axes), `label` read by screen readers. */
export function sparkline(points, label) {
  const w = 120, hgt = 30;
  const el = svg('svg', {class: 'spark', viewBox: `0 0 ${w} ${hgt}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label || 'trend'});
  const p = clean(points);
  if (p.length < 2) return el;
  const b = bounds(p);
  const x = (t) => ((t - b.t0) / (b.t1 - b.t0)) * w;
  const y = (v) => hgt - 2 - ((v - b.v0) / (b.v1 - b.v0)) * (hgt - 4);
  el.append(svg('path', {class: 'area', d: `${path(p, x, y)}L${x(p[p.length - 1][0])},${hgt}L${x(p[0][0])},${hgt}Z`}));
  el.append(svg('path', {class: 'line', d: path(p, x, y)}));
  return el;
}

function tick(v) {
  const a = Math.abs(v);
  return a >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : a >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : v.toFixed(3);
}

function clock(t, span) {
  const d = new Date(t * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return span > 2 * 86400 ? `${p(d.getMonth() + 1)}-${p(d.getDate())}` : `${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * A line chart of one or more series ({name, points}) over [from, to] (unix seconds), with axes, drawn
 * `width` units wide (the pixel width it will have, so that its text keeps its size).
 */
export function lineChart(series, from, to, label, width) {
  const w = Math.max(240, Math.round(width || 600)), hgt = 200, left = 48, bottom = 20, top = 8, right = 8;
  const el = svg('svg', {class: 'chart', viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': label || 'chart'});
  const all = series.flatMap((s) => clean(s.points));
  if (all.length === 0) {
    const t = svg('text', {x: w / 2, y: hgt / 2, 'text-anchor': 'middle'});
    t.textContent = 'no data in this range';
    el.append(t);
    return el;
  }
  const b = bounds(all);
  b.t0 = Math.min(b.t0, from); b.t1 = Math.max(b.t1, to);
  const x = (t) => left + ((t - b.t0) / (b.t1 - b.t0)) * (w - left - right);
  const y = (v) => top + (1 - (v - b.v0) / (b.v1 - b.v0)) * (hgt - top - bottom);
  el.append(svg('line', {class: 'axis', x1: left, y1: hgt - bottom, x2: w - right, y2: hgt - bottom}));
  for (let i = 0; i <= 3; i++) {
    const v = b.v0 + ((b.v1 - b.v0) * i) / 3;
    el.append(svg('line', {class: 'axis', x1: left, y1: y(v), x2: w - right, y2: y(v), 'stroke-dasharray': '2,3'}));
    const t = svg('text', {x: left - 4, y: y(v) + 4, 'text-anchor': 'end'});
    t.textContent = tick(v);
    el.append(t);
  }
  for (let i = 0; i <= 4; i++) {
    const tt = b.t0 + ((b.t1 - b.t0) * i) / 4;
    const t = svg('text', {x: x(tt), y: hgt - 5, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle'});
    t.textContent = clock(tt, b.t1 - b.t0);
    el.append(t);
  }
  for (const s of series) {
    const p = clean(s.points);
    if (p.length === 0) continue;
    if (p.length === 1) el.append(svg('circle', {cx: x(p[0][0]), cy: y(p[0][1]), r: 3, fill: '#1f5fae'}));
    else el.append(svg('path', {class: 'line', d: path(p, x, y)}));
  }
  return el;
}
