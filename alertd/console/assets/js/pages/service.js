// Service detail: one service's status, dependencies, active alerts and current KPIs, and a chart per KPI
// over a chosen range from /api/monitoring/historical/:metric (or /api/v1/query_range when alertd runs
// without the history tier).

import {h, replace, pill, num, when, keepFocus} from '../dom.js';
import {state, subscribe, activeAlerts} from '../store.js';
import {get, ApiError} from '../api.js';
import {lineChart} from '../chart.js';

/** The ranges offered: label, seconds, the historical API's resolution and aggregation. */
const RANGES = [
  ['15m', 900, 'raw', 'raw'], ['1h', 3600, 'raw', 'raw'], ['6h', 21600, '5m', 'avg'], ['24h', 86400, '5m', 'avg'],
  ['7d', 604800, '1h', 'avg'], ['30d', 2592000, '6h', 'avg'],
];

/** The factor from a metric's base unit to the unit the dashboard shows (the KPI table's scale). */
function scaleOf(unit) {
  return unit === 'percent' ? 100 : unit === 'ms' ? 1000 : 1;
}

/** `metric` (a KPI key or metric name) from the historical API, or `promMetric` from the in-memory window. */
async function history(metric, promMetric, service, range) {
  const [, seconds, resolution, aggregation] = range;
  const to = Math.floor(Date.now() / 1000);
  const from = to - seconds;
  const q = new URLSearchParams({service, from: String(from), to: String(to), resolution, aggregation});
  try {
    const data = await get(`/api/monitoring/historical/${encodeURIComponent(metric)}?${q}`);
    return {from, to, series: (data.series || []).map((s) => ({name: s.labels.service || '', points: s.points}))};
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  // Without the history tier: the in-memory window through PromQL, about 240 points.
  const step = Math.max(1, Math.round(seconds / 240));
  const rq = new URLSearchParams({query: `${promMetric}{service="${service}"}`, start: String(from), end: String(to), step: String(step)});
  const data = await get(`/api/v1/query_range?${rq}`);
  return {from, to, series: (data.result || []).map((s) => ({name: service, points: s.values}))};
}

function kpiList(s) {
  const out = [];
  for (const [group, fields] of Object.entries(s.kpis || {})) {
    for (const [field, k] of Object.entries(fields)) out.push({key: `${group}.${field}`, ...k});
  }
  return out;
}

/** Mounts the page of service `params.name`. */
export function mount(main, params) {
  const name = params.name;
  let rangeIndex = Number(sessionStorage.getItem('alertd.console.range-index') || 0) || 0;
  let chartsBox = null;
  let generation = 0;

  const header = h('div');
  const drawHeader = () => {
    const s = state.dashboard && state.dashboard.services && state.dashboard.services[name];
    const hs = state.health && state.health.services && state.health.services[name];
    if (!s) {
      replace(header, h('p', {class: 'muted'}, state.dashboard ? `alertd has no current data for ${name}.` : 'Waiting for data…'));
      return;
    }
    const deps = (hs && hs.dependencies) || {};
    const alerts = activeAlerts().filter((a) => a.service === name);
    replace(header,
      h('div', {class: `banner ${s.status}`}, `${name}: ${s.status}`),
      h('div', {class: 'panel'}, h('dl', {class: 'kv'},
        h('dt', {}, 'Reachable'), h('dd', {}, s.up ? 'yes' : 'no'),
        h('dt', {}, 'Response time'), h('dd', {}, num(s.responseTimeMs, 'ms')),
        h('dt', {}, 'Error rate'), h('dd', {}, s.errorRate === null ? '–' : num(s.errorRate * 100, 'percent')),
        h('dt', {}, 'Requests'), h('dd', {}, `${num(s.requestsPerSecond)} /s`),
        h('dt', {}, 'Last success'), h('dd', {}, hs ? `${when(hs.lastSuccess)}` : '–'),
        h('dt', {}, 'Dependencies'), h('dd', {}, Object.keys(deps).length === 0 ? '–' :
          Object.entries(deps).map(([d, v]) => h('span', {}, pill(d, v.up ? 'ok' : 'err'), ' ', v.latencyMs === null ? '' : num(v.latencyMs, 'ms'), ' '))),
        h('dt', {}, 'Active alerts'), h('dd', {}, alerts.length === 0 ? 'none' :
          alerts.map((a) => h('span', {}, pill(`${a.alertname} (${a.state})`, a.severity), ' '))))),
      h('h2', {}, 'Current values'),
      h('div', {class: 'grid kpis'}, kpiList(s).map((k) => h('div', {class: 'card tile'},
        h('div', {class: 'label'}, k.key), h('div', {class: 'value'}, num(k.value, k.unit)),
        k.ratePerSecond !== undefined ? h('div', {class: 'label'}, `${num(k.ratePerSecond)} /s`) : null))));
  };

  const drawCharts = async () => {
    const mine = ++generation;
    const s = state.dashboard && state.dashboard.services && state.dashboard.services[name];
    if (!s) return;
    const range = RANGES[rangeIndex];
    const charts = [{key: 'responseTime', metric: 'twikit_response_time_seconds', prom: 'twikit_response_time_seconds', unit: 'ms'}]
      .concat(kpiList(s).filter((k) => typeof k.value === 'number').map((k) => ({key: k.key, metric: k.key, prom: k.metric, unit: k.unit})));
    replace(chartsBox, charts.map((c) => h('figure', {class: 'panel', dataset: {chart: c.key}}, h('figcaption', {}, c.key, h('span', {class: 'muted'}, ` (${c.unit})`)),
      h('p', {class: 'muted'}, 'loading…'))));
    await Promise.all(charts.map(async (c, i) => {
      const fig = chartsBox.children[i];
      let body;
      try {
        const r = await history(c.metric, c.prom, name, range);
        const k = scaleOf(c.unit);
        const series = r.series.map((x) => ({name: x.name, points: x.points.map(([t, v]) => [t, Number(v) * k])}));
        body = lineChart(series, r.from, r.to, `${c.key} over ${range[0]}`, fig.clientWidth - 32);
      } catch (e) {
        body = h('p', {class: 'form-error'}, e.message);
      }
      if (mine !== generation) return;
      fig.replaceChild(body, fig.lastChild);
      fig.dataset.loaded = 'true';
    }));
  };

  const select = h('select', {id: 'range', 'aria-label': 'Range', onchange: () => {
    rangeIndex = Number(select.value);
    sessionStorage.setItem('alertd.console.range-index', String(rangeIndex));
    drawCharts();
  }}, RANGES.map(([label], i) => h('option', {value: String(i)}, `last ${label}`)));
  select.value = String(rangeIndex);
  chartsBox = h('div', {class: 'charts', id: 'charts'});
  replace(main, h('h1', {}, h('a', {href: '#/overview'}, 'Overview'), ' › ', name), header,
    h('div', {class: 'row'}, h('h2', {}, 'History'), h('div', {}, h('label', {for: 'range'}, 'Range'), select),
      h('button', {type: 'button', onclick: () => drawCharts()}, 'Refresh')),
    chartsBox);
  drawHeader();
  let charted = false;
  if (state.dashboard) { charted = true; drawCharts(); }
  if (!state.health) get('/api/monitoring/health').then((d) => { if (!state.health) { state.health = d; drawHeader(); } }).catch(() => {});
  return subscribe((topic) => {
    if (topic === 'dashboard' || topic === 'alerts' || topic === 'health') keepFocus(header, drawHeader);
    if (!charted && state.dashboard) { charted = true; drawCharts(); }
  });
}
