// What the live connection has told the page: the latest dashboard and health documents, the active
// alerts (the dashboard's list, with the alert events since applied on top), and the last 30 minutes of each
// KPI's values seen live (one per dashboard document), for sparklines while alertd's own trend is short.

const listeners = new Set();

/** The shared state; pages read it and subscribe() to changes. */
export const state = {
  dashboard: null,
  health: null,
  alerts: new Map(),  // key (sorted labels) -> alert as in the dashboard's items
  live: {},           // `${service}|${group}.${field}` -> [[unix s, value], ...]
  lastAlertEvent: 0,  // Date.now() of the last alert event (pages that list stored alerts refetch on it)
};

/** The identity of an alert: its labels, sorted. */
export function alertKey(labels) {
  return Object.keys(labels || {}).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

/** Calls `fn(topic)` after every change; returns the unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed(topic) {
  for (const fn of [...listeners]) fn(topic);
}

function setDashboard(doc) {
  state.dashboard = doc;
  state.alerts = new Map();
  for (const a of (doc.alerts && doc.alerts.items) || []) state.alerts.set(alertKey(a.labels), a);
  const now = Date.now() / 1000;
  for (const [service, s] of Object.entries(doc.services || {})) {
    for (const [group, fields] of Object.entries(s.kpis || {})) {
      for (const [field, k] of Object.entries(fields)) {
        if (typeof k.value !== 'number') continue;
        const key = `${service}|${group}.${field}`;
        const list = state.live[key] || (state.live[key] = []);
        list.push([now, k.value]);
        if (list.length > 360) list.shift();
      }
    }
  }
}

function applyAlertEvent(data) {
  const key = alertKey(data.labels);
  if (data.state === 'resolved') {
    state.alerts.delete(key);
  } else if (data.state === 'pending' || data.state === 'firing') {
    const old = state.alerts.get(key) || {};
    state.alerts.set(key, Object.assign({}, old, data, {
      alertname: data.labels.alertname, severity: data.labels.severity || '', service: data.labels.service || '',
    }));
  }
  state.lastAlertEvent = Date.now();
}

/** Applies one message of the live connection. */
export function apply(msg) {
  if (msg.type !== 'event' && msg.type !== 'snapshot') return;
  if (msg.topic === 'dashboard' && msg.data) setDashboard(msg.data);
  else if (msg.topic === 'health' && msg.data) state.health = msg.data;
  else if (msg.topic === 'alerts') {
    if (msg.type === 'event' && msg.data && msg.data.labels) applyAlertEvent(msg.data);
    else if (msg.type === 'snapshot' && msg.data) {
      const items = Array.isArray(msg.data) ? msg.data : msg.data.items || msg.data.alerts || [];
      if (Array.isArray(items) && items.length) for (const a of items) if (a.labels) applyAlertEvent(a);
    }
  }
  changed(msg.topic);
}

/** Sets the dashboard from a plain GET (before the stream has sent its snapshot). */
export function seedDashboard(doc) {
  if (!state.dashboard) {
    setDashboard(doc);
    changed('dashboard');
  }
}

/** The active alerts, firing first, then by severity, then by name. */
export function activeAlerts() {
  const rank = {critical: 0, error: 1, warning: 2, info: 3};
  return [...state.alerts.values()].sort((a, b) =>
    (a.state === 'firing' ? 0 : 1) - (b.state === 'firing' ? 0 : 1) ||
    (rank[a.severity] ?? 9) - (rank[b.severity] ?? 9) ||
    String(a.alertname).localeCompare(String(b.alertname)) || String(a.service).localeCompare(String(b.service)));
}
