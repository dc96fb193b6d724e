// Overview: the platform status, the ten services' health grid, headline KPI tiles with sparklines and the
// active alerts by severity. Redrawn from the live state on every dashboard or alert message.

import {h, replace, pill, num, ago, keepFocus, SEVERITIES} from '../dom.js';
import {state, subscribe, activeAlerts, alertKey} from '../store.js';
import {sparkline} from '../chart.js';

/** The headline KPIs shown as tiles (group.field of the KPI table). */
const TILES = [
  ['sessions.successRate', 'Session success'],
  ['proxies.averageHealthScore', 'Proxy health'],
  ['rateLimiting.utilizationPercentage', 'Rate-limit utilisation'],
  ['antiDetection.overallScore', 'Anti-detection score'],
  ['accountHealth.averageHealthScore', 'Account health'],
  ['contentSafety.averageSafetyScore', 'Content safety'],
  ['connectionPool.utilizationPercentage', 'Pool utilisation'],
  ['campaigns.successRate', 'Campaign success'],
];

function findKpi(doc, key) {
  const [group, field] = key.split('.');
  for (const [service, s] of Object.entries(doc.services || {})) {
    const k = s.kpis && s.kpis[group] && s.kpis[group][field];
    if (k) return {service, kpi: k};
  }
  return null;
}

const RANK = {healthy: 0, unknown: 1, degraded: 2, unhealthy: 3};

/** The health document when it is newer than the dashboard's (health changes are pushed at once). */
function newerHealth(doc) {
  const hd = state.health;
  return hd && Date.parse(hd.generatedAt) > Date.parse(doc.generatedAt) ? hd : null;
}

/** A service with the status of the newer of the dashboard and health documents. */
function serviceView(doc, name) {
  const s = doc.services[name];
  const hs = newerHealth(doc) && newerHealth(doc).services && newerHealth(doc).services[name];
  return hs ? Object.assign({}, s, {status: hs.status, up: hs.up}) : s;
}

/** The platform's status as the dashboard rules it, with the live alerts and health applied. */
function platformStatus(doc) {
  let status = (newerHealth(doc) || doc).status || 'unknown';
  const worse = (s) => { if ((RANK[s] ?? 0) > (RANK[status] ?? 0)) status = s; };
  for (const a of state.alerts.values()) {
    if (a.state !== 'firing') continue;
    if (a.severity === 'critical') worse('unhealthy');
    else if (a.severity === 'error') worse('degraded');
  }
  return status;
}

function servicesGrid(doc) {
  const names = Object.keys(doc.services || {}).sort();
  return h('div', {class: 'grid', id: 'services'}, names.map((name) => {
    const s = serviceView(doc, name);
    return h('a', {class: `card ${s.status}`, href: `#/service/${encodeURIComponent(name)}`, dataset: {service: name, status: s.status}},
      h('h3', {}, name.replace(/_/g, ' '), ' ', pill(s.status)),
      h('div', {class: 'figures'},
        `${num(s.responseTimeMs, 'ms')} · errors ${s.errorRate === null || s.errorRate === undefined ? '–' : num(s.errorRate * 100, 'percent')}`,
        h('br'), `${num(s.requestsPerSecond)} req/s`));
  }));
}

function tiles(doc) {
  return h('div', {class: 'grid kpis', id: 'kpi-tiles'}, TILES.map(([key, title]) => {
    const found = findKpi(doc, key);
    if (!found) return null;
    const {service, kpi} = found;
    // The dashboard's trend (5-minute steps over the last hour); while it has only a few points (alertd
    // started minutes ago), the values the live stream has shown since the page opened, every 5 s.
    const trend = (kpi.trend && kpi.trend.points) || [];
    const seen = state.live[`${service}|${key}`] || [];
    const points = trend.length >= 6 || seen.length < 2 ? trend : seen;
    return h('a', {class: 'card tile', href: `#/service/${encodeURIComponent(service)}`, dataset: {kpi: key}},
      h('div', {class: 'label'}, title),
      h('div', {class: 'value'}, num(kpi.value, kpi.unit)),
      sparkline(points, `${title} trend`));
  }));
}

/** When each alert was first drawn firing (ms), across redraws: the browser test compares it with firedAt. */
const firstShown = new Map();

function alertsPanel() {
  const list = activeAlerts();
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const a of list) if (a.severity in counts) counts[a.severity] += 1;
  return h('section', {class: 'panel', 'aria-labelledby': 'active-title', id: 'active-alerts'},
    h('h2', {id: 'active-title'}, `Active alerts (${list.length})`),
    h('div', {class: 'counts'}, SEVERITIES.map((s) => h('a', {class: 'count', href: `#/alerts?severity=${s}`, dataset: {severity: s}},
      h('b', {}, String(counts[s])), pill(s)))),
    list.length === 0 ? h('p', {class: 'muted'}, 'Nothing pending or firing.') :
      h('div', {class: 'table-wrap'}, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Alert'), h('th', {}, 'Severity'), h('th', {}, 'State'),
          h('th', {}, 'Service'), h('th', {class: 'hide-narrow'}, 'Summary'), h('th', {}, 'For'))),
        h('tbody', {}, list.map((a) => {
          const row = h('tr', {dataset: {alert: a.alertname, alertState: a.state, service: a.service || '', shownAt: String(firstShown.get(alertKey(a.labels)) || 0), firedAt: a.firedAt || ''}},
            h('td', {}, h('a', {href: `#/alerts?filter=${encodeURIComponent(`alertname="${a.alertname}"`)}`}, a.alertname)),
            h('td', {}, pill(a.severity || 'none', a.severity)), h('td', {}, pill(a.state)), h('td', {}, a.service || '–'),
            h('td', {class: 'hide-narrow'}, (a.annotations && a.annotations.summary) || ''),
            h('td', {title: a.firedAt || a.activeAt || ''}, ago(a.firedAt || a.activeAt)));
          return row;
        })))));
}

/** Mounts the overview into `main`; returns its unmount function. */
export function mount(main) {
  const draw = () => {
    const doc = state.dashboard;
    if (!doc) {
      replace(main, h('h1', {}, 'Overview'), h('p', {class: 'muted'}, 'Waiting for the first scrape…'));
      return;
    }
    for (const a of state.alerts.values()) {
      const key = alertKey(a.labels);
      if (a.state === 'firing' && !firstShown.has(key)) firstShown.set(key, Date.now());
    }
    const sum = {healthy: 0, degraded: 0, unhealthy: 0, unknown: 0};
    const names = Object.keys(doc.services || {});
    for (const n of names) sum[serviceView(doc, n).status] = (sum[serviceView(doc, n).status] || 0) + 1;
    const status = platformStatus(doc);
    replace(main,
      h('h1', {}, 'Overview'),
      h('div', {class: `banner ${status}`, id: 'platform-status'}, `Platform ${status}`,
        h('span', {class: 'muted'}, ` · ${names.length} services: ${sum.healthy} healthy, ${sum.degraded} degraded, ${sum.unhealthy} unhealthy, ${sum.unknown} unknown · updated ${ago(doc.generatedAt)} ago`)),
      alertsPanel(),
      h('h2', {}, 'Services'), servicesGrid(doc),
      h('h2', {}, 'Key indicators'), tiles(doc));
  };
  draw();
  const off = subscribe(() => keepFocus(main, draw));
  return off;
}
