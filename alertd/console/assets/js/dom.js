// DOM and formatting helpers shared by the pages. No framework: elements are built with h() and text is
// always set as text (never innerHTML), so nothing the API returns can inject markup.

/** Creates an element: h('a', {href: '#/x', class: 'card'}, 'text', child, [children]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A status pill: <span class="pill healthy">healthy</span>. */
export function pill(text, kind) {
  return h('span', {class: `pill ${kind || text}`}, text);
}

/** A number for people: up to 3 significant decimals, thousands grouped, '–' for null. */
export function num(v, unit) {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v !== 'number') return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  let s = v.toLocaleString('en-US', {maximumFractionDigits: digits});
  if (unit === 'percent') s += ' %';
  else if (unit === 'ms') s += ' ms';
  return s;
}

/** An RFC 3339 time as local "YYYY-MM-DD HH:MM:SS", or '–'. */
export function when(t) {
  if (!t) return '–';
  const d = new Date(t);
  if (isNaN(d)) return String(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** How long ago `t` was: "42s", "5m", "3h", "2d". */
export function ago(t) {
  if (!t) return '–';
  const s = Math.max(0, (Date.now() - new Date(t).getTime()) / 1000);
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 129600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** Prometheus duration ("1h30m", "90s", "2d") in milliseconds, or null when it does not parse. */
export function parseDuration(text) {
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(String(text).trim());
  if (!m || String(text).trim() === '') return null;
  const mult = [31536000e3, 604800e3, 86400e3, 3600e3, 60e3, 1e3, 1];
  let ms = 0;
  mult.forEach((k, i) => { if (m[i + 1]) ms += Number(m[i + 1]) * k; });
  return ms;
}

/** Labels as chips, `alertname` first. */
export function labelChips(labels) {
  const keys = Object.keys(labels || {}).sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)));
  return h('span', {class: 'labels'}, keys.map((k) => h('span', {class: 'label-chip'}, `${k}="${labels[k]}"`)));
}

/** Shows a short message in the corner for a few seconds. */
export function toast(text, bad) {
  const box = document.getElementById('toast');
  const msg = h('div', {class: bad ? 'msg bad' : 'msg'}, text);
  box.append(msg);
  setTimeout(() => msg.remove(), bad ? 8000 : 4000);
}

/** The severity order: critical first. */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** Sort key of a severity (unknown ones last). */
export function severityRank(s) {
  const i = SEVERITIES.indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
}

/**
 * Runs `redraw`, which replaces what `container` holds, and gives the focus back to the element that had it
 * (found again by its id, or its href), so that a live redraw does not throw a keyboard user out.
 */
export function keepFocus(container, redraw) {
  const el = document.activeElement;
  const inside = el && el !== container && container.contains(el);
  const id = inside ? el.id : '';
  const href = inside ? el.getAttribute('href') : null;
  redraw();
  if (!inside) return;
  const again = id ? document.getElementById(id) : href ? container.querySelector(`[href="${CSS.escape(href)}"]`) : null;
  if (again) again.focus({preventScroll: true});
}
