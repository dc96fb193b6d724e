// Alerts: the stored alerts of /api/monitoring/alerts with filters, refetched when the live stream reports
// an alert event; an alert's detail with its history timeline, escalation state, acknowledgement form and
// a link that prefills a silence.

import {h, replace, pill, when, ago, labelChips, toast, SEVERITIES, severityRank} from '../dom.js';
import {state, subscribe} from '../store.js';
import {get, call} from '../api.js';

const USER_KEY = 'alertd.console.user';

function filterForm(query, onApply) {
  const sel = (id, label, options, value) => h('div', {class: 'field'}, h('label', {for: id}, label),
    h('select', {id, name: id}, options.map(([v, t]) => h('option', {value: v, selected: v === value}, t))));
  const form = h('form', {class: 'filters', id: 'alert-filters', onsubmit: (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const q = new URLSearchParams();
    for (const [k, v] of f.entries()) if (v) q.set(k, v);
    onApply(q);
  }},
  sel('state', 'State', [['', 'any'], ['firing', 'firing'], ['resolved', 'resolved']], query.get('state') || ''),
  sel('severity', 'Severity', [['', 'any']].concat(SEVERITIES.map((s) => [s, s])), query.get('severity') || ''),
  sel('acknowledged', 'Acknowledged', [['', 'any'], ['false', 'no'], ['true', 'yes']], query.get('acknowledged') || ''),
  h('div', {class: 'field', style: null}, h('label', {for: 'filter'}, 'Label matchers'),
    h('input', {id: 'filter', name: 'filter', placeholder: 'service="proxy_rotation"', value: query.get('filter') || '', size: 28})),
  h('div', {class: 'field'}, h('label', {for: 'limit'}, 'Limit'),
    h('input', {id: 'limit', name: 'limit', type: 'number', min: 1, max: 100000, value: query.get('limit') || '200', style: null})),
  h('div', {class: 'field'}, h('button', {type: 'submit', class: 'primary'}, 'Apply')));
  return form;
}

/** Mounts the alert list; `query` is the route's URLSearchParams. */
export function mountList(main, params, query) {
  const table = h('div', {class: 'table-wrap', id: 'alert-table'}, h('p', {class: 'muted'}, 'Loading…'));
  const error = h('p', {class: 'form-error', role: 'alert'});
  let seen = state.lastAlertEvent;
  let timer = null;
  const load = async () => {
    const q = new URLSearchParams(query);
    if (!q.get('limit')) q.set('limit', '200');
    try {
      const rows = await get(`/api/monitoring/alerts?${q}`);
      error.textContent = '';
      rows.sort((a, b) => (a.state === 'firing' ? 0 : 1) - (b.state === 'firing' ? 0 : 1) ||
        severityRank(a.labels.severity) - severityRank(b.labels.severity) ||
        String(b.updatedAt).localeCompare(String(a.updatedAt)));
      replace(table, rows.length === 0 ? h('p', {class: 'muted'}, 'No alert matches.') : h('table', {},
        h('thead', {}, h('tr', {}, ['Alert', 'Severity', 'State', 'Service', 'Since', 'Acknowledged'].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows.map((a) => h('tr', {class: 'link', tabindex: 0, dataset: {id: a.id, alert: a.labels.alertname || '', alertState: a.state, service: a.labels.service || ''},
          onclick: () => { location.hash = `#/alerts/${a.id}`; },
          onkeydown: (e) => { if (e.key === 'Enter') location.hash = `#/alerts/${a.id}`; }},
          h('td', {}, h('a', {href: `#/alerts/${a.id}`}, a.labels.alertname || a.id)),
          h('td', {}, pill(a.labels.severity || 'none', a.labels.severity)), h('td', {}, pill(a.state)),
          h('td', {}, a.labels.service || '–'),
          h('td', {title: when(a.firedAt || a.activeAt)}, ago(a.state === 'resolved' ? a.resolvedAt : a.firedAt || a.activeAt)),
          h('td', {}, a.acknowledged ? `${a.acknowledgement.by}, ${ago(a.acknowledgement.at)} ago` : 'no'))))));
    } catch (e) {
      error.textContent = e.message;
    }
  };
  replace(main, h('h1', {}, 'Alerts'), filterForm(query, (q) => { location.hash = `#/alerts?${q}`; }), error, table);
  load();
  // Driven by the stream: an alert event means the stored list may have changed (the notification side
  // stores it about when the event goes out), and each dashboard document (every 5 s) catches what no
  // alert event announces, such as someone else's acknowledgement.
  return subscribe((topic) => {
    if (topic === 'alerts' && state.lastAlertEvent !== seen) {
      seen = state.lastAlertEvent;
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    } else if (topic === 'dashboard' && !table.contains(document.activeElement)) {
      load();
    }
  });
}

function escalation(alert) {
  const steps = (alert.history || []).filter((e) => /escalat/i.test(e.event));
  if (alert.acknowledged) return h('span', {}, pill('stopped', 'ok'), ` acknowledged by ${alert.acknowledgement.by}; no further escalation`);
  if (alert.state === 'resolved') return h('span', {}, pill('none', 'inactive'), ' resolved');
  if (steps.length === 0) return h('span', {}, pill('not escalated', 'inactive'), ' escalation continues by its policy until acknowledged');
  const last = steps[0];
  return h('span', {}, pill(`escalated ×${steps.length}`, 'critical'), ` last ${when(last.at)}${last.detail ? ': ' + last.detail : ''}`);
}

/** The silence form's route for an alert: its alertname and service as equality matchers. */
export function silenceHref(labels) {
  const m = ['alertname', 'service', 'instance'].filter((k) => labels[k]).map((k) => `${k}="${labels[k]}"`);
  return `#/silences/new?matchers=${encodeURIComponent(m.join(','))}`;
}

/** Mounts the detail of alert `params.id`. */
export function mountDetail(main, params) {
  const id = params.id;
  const body = h('div', {}, h('p', {class: 'muted'}, 'Loading…'));
  let seen = state.lastAlertEvent;
  let timer = null;
  const load = async () => {
    let a;
    try {
      a = await get(`/api/monitoring/alerts/${encodeURIComponent(id)}`);
    } catch (e) {
      replace(body, h('p', {class: 'form-error'}, e.message));
      return;
    }
    const history = (a.history || []).slice().sort((x, y) => String(y.at).localeCompare(String(x.at)));
    const by = h('input', {id: 'ack-by', name: 'by', required: true, value: localStorage.getItem(USER_KEY) || 'console', maxlength: 256});
    const comment = h('textarea', {id: 'ack-comment', name: 'comment', rows: 2, placeholder: 'what you are doing about it'});
    const ackError = h('p', {class: 'field-error', id: 'ack-error', role: 'alert'});
    const ackForm = h('form', {id: 'ack-form', onsubmit: async (e) => {
      e.preventDefault();
      ackError.textContent = '';
      localStorage.setItem(USER_KEY, by.value);
      try {
        await call('POST', `/api/monitoring/alerts/${encodeURIComponent(id)}/acknowledge`, {by: by.value, comment: comment.value});
        toast('Acknowledged');
        load();
      } catch (err) {
        ackError.textContent = err.message;
      }
    }},
    h('div', {class: 'form-grid'}, h('div', {class: 'field'}, h('label', {for: 'ack-by'}, 'By'), by)),
    h('div', {class: 'field'}, h('label', {for: 'ack-comment'}, 'Comment'), comment), ackError,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', id: 'ack-submit'}, a.acknowledged ? 'Acknowledge again' : 'Acknowledge'),
      h('a', {href: silenceHref(a.labels), id: 'silence-link'}, 'Silence…')));
    replace(body,
      h('div', {class: 'panel', id: 'alert-detail', dataset: {acknowledged: String(a.acknowledged), alertState: a.state}},
        h('dl', {class: 'kv'},
          h('dt', {}, 'State'), h('dd', {}, pill(a.state), ' ', pill(a.labels.severity || 'none', a.labels.severity)),
          h('dt', {}, 'Labels'), h('dd', {}, labelChips(a.labels)),
          Object.entries(a.annotations || {}).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
          h('dt', {}, 'Active since'), h('dd', {}, when(a.activeAt)),
          h('dt', {}, 'Firing since'), h('dd', {}, when(a.firedAt)),
          h('dt', {}, 'Resolved'), h('dd', {}, when(a.resolvedAt)),
          h('dt', {}, 'Acknowledged'), h('dd', {id: 'ack-state'}, a.acknowledged
            ? `by ${a.acknowledgement.by} at ${when(a.acknowledgement.at)}${a.acknowledgement.comment ? ': ' + a.acknowledgement.comment : ''}` : 'no'),
          h('dt', {}, 'Escalation'), h('dd', {id: 'escalation'}, escalation(a)),
          a.generatorURL ? [h('dt', {}, 'Source'), h('dd', {}, h('code', {}, a.generatorURL))] : null)),
      a.state === 'firing' ? h('section', {class: 'panel', 'aria-labelledby': 'ack-title'}, h('h2', {id: 'ack-title'}, 'Acknowledge'), ackForm)
        : h('p', {}, h('a', {href: silenceHref(a.labels)}, 'Silence alerts like this one…')),
      h('h2', {}, 'History'),
      history.length === 0 ? h('p', {class: 'muted'}, 'No history.') :
        h('ol', {class: 'timeline', id: 'timeline'}, history.map((e) => h('li', {class: /escalat/i.test(e.event) ? 'escalated' : ''},
          h('time', {datetime: e.at}, when(e.at)), h('b', {}, e.event), e.detail ? ` — ${e.detail}` : ''))));
  };
  replace(main, h('h1', {}, h('a', {href: '#/alerts'}, 'Alerts'), ' › ', id), body);
  load();
  // Someone typing a comment is not interrupted by a redraw.
  const busy = () => {
    const form = body.querySelector('#ack-form');
    const text = body.querySelector('#ack-comment');
    return (form && form.contains(document.activeElement)) || (text && text.value !== '');
  };
  return subscribe((topic) => {
    if (topic !== 'alerts' || state.lastAlertEvent === seen || busy()) return;
    seen = state.lastAlertEvent;
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
}
