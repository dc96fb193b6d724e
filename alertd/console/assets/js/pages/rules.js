// Rules: every rule alertd loads (/api/monitoring/alert-rules) with its health, state and last error;
// enabling and disabling; and the form that creates or edits a rule in the seed's simple form or as
// PromQL, showing the API's validation error at the field it names.

import {h, replace, pill, when, toast} from '../dom.js';
import {state} from '../store.js';
import {get, call, ApiError} from '../api.js';

const CONDITIONS = [['gt', '>'], ['gte', '≥'], ['lt', '<'], ['lte', '≤'], ['eq', '='], ['ne', '≠']];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** The rule in Prometheus' form as PUT accepts it, with `enabled`. */
function promBody(rule, enabled) {
  const p = rule.prometheus;
  return {group: rule.group, alert: p.alert, expr: p.expr, for: p.for || '0s', keep_firing_for: p.keep_firing_for || '0s',
    labels: p.labels || {}, annotations: p.annotations || {}, enabled};
}

/** Mounts the rule list. */
export function mountList(main) {
  const box = h('div', {class: 'table-wrap', id: 'rule-table'}, h('p', {class: 'muted'}, 'Loading…'));
  const load = async () => {
    let data;
    try {
      data = await get('/api/monitoring/alert-rules');
    } catch (e) {
      replace(box, h('p', {class: 'form-error'}, e.message));
      return;
    }
    const rules = data.rules || [];
    replace(box,
      (data.errors || []).length ? h('div', {class: 'panel form-error'}, 'Managed files that do not validate (writes are refused until fixed): ',
        data.errors.map((e) => h('div', {class: 'mono'}, typeof e === 'string' ? e : JSON.stringify(e)))) : null,
      h('table', {},
        h('thead', {}, h('tr', {}, ['Rule', 'Group', 'Health', 'State', 'Severity', 'Expression', 'Last evaluation', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, rules.map((r) => {
          const p = r.prometheus || {};
          const sev = (p.labels && p.labels.severity) || '';
          return h('tr', {dataset: {rule: p.alert || '', id: r.id, enabled: String(r.enabled)}},
            h('td', {}, h('b', {}, p.alert || p.record || r.id), h('div', {class: 'muted mono', title: r.file}, r.file.split('/').pop())),
            h('td', {}, r.group),
            h('td', {}, pill(r.health || 'unknown', r.health === 'ok' ? 'ok' : r.health === 'err' ? 'err' : 'unknown'),
              r.lastError ? h('div', {class: 'field-error'}, r.lastError) : null),
            h('td', {}, r.enabled ? pill(r.state || 'inactive', r.state || 'inactive') : pill('disabled')),
            h('td', {}, sev ? pill(sev) : '–'),
            h('td', {class: 'mono expr'}, p.expr || ''),
            h('td', {}, when(r.lastEvaluation)),
            h('td', {}, r.editable ? h('div', {class: 'actions'},
              h('a', {href: `#/rules/${r.id}/edit`, 'aria-label': `Edit ${p.alert}`}, 'Edit'),
              h('button', {type: 'button', 'aria-label': `${r.enabled ? 'Disable' : 'Enable'} ${p.alert}`, onclick: async (e) => {
                e.target.disabled = true;
                try {
                  await call('PUT', `/api/monitoring/alert-rules/${r.id}`, promBody(r, !r.enabled), {'If-Match': r.etag});
                  toast(`${p.alert} ${r.enabled ? 'disabled' : 'enabled'}`);
                } catch (err) {
                  toast(err.message, true);
                }
                load();
              }}, r.enabled ? 'Disable' : 'Enable')) : h('span', {class: 'muted', title: 'written by hand: edit the file'}, 'read-only')));
        }))));
  };
  replace(main, h('h1', {}, 'Rules'),
    h('p', {}, h('a', {href: '#/rules/new', id: 'new-rule', class: 'button primary'}, 'New rule'),
      ' ', h('span', {class: 'muted'}, 'Rules written by hand are read-only here; the API writes its own files under rules.managed_dir.')),
    box);
  load();
  return () => {};
}

/** A labelled field with its error line; returns {wrap, input, error}. */
function field(name, label, input, hint) {
  input.id = `f-${name}`;
  input.name = name;
  const error = h('p', {class: 'field-error', id: `err-${name}`, role: 'alert'});
  input.setAttribute('aria-describedby', `err-${name}`);
  return {name, input, error, wrap: h('div', {class: 'field', dataset: {field: name}}, h('label', {for: input.id}, label), input,
    hint ? h('div', {class: 'muted', style: null}, hint) : null, error)};
}

function kv(text) {
  const out = {};
  for (const line of String(text).split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function list(text) {
  return String(text).split(',').map((s) => s.trim()).filter(Boolean);
}

function kpiKeys() {
  const keys = new Set();
  for (const s of Object.values((state.dashboard && state.dashboard.services) || {})) {
    for (const [g, fields] of Object.entries(s.kpis || {})) for (const f of Object.keys(fields)) keys.add(`${g}.${f}`);
  }
  return [...keys].sort();
}

/** Mounts the create form, or the edit form of rule `params.id`. */
export function mountForm(main, params) {
  const editing = params.id || '';
  let mode = 'seed';
  let etag = '';
  const seed = {
    name: field('name', 'Name', h('input', {required: true, placeholder: 'LowSessionSuccess'})),
    description: field('description', 'Description', h('input', {})),
    metric: field('metric', 'Metric or KPI', h('input', {list: 'kpi-keys', placeholder: 'sessions.successRate'}), 'a KPI key or a metric name'),
    condition: field('condition', 'Condition', h('select', {}, CONDITIONS.map(([v, t]) => h('option', {value: v}, `${t} (${v})`)))),
    threshold: field('threshold', 'Threshold', h('input', {type: 'number', step: 'any', required: true})),
    severity: field('severity', 'Severity', h('select', {}, SEVERITIES.map((s) => h('option', {value: s, selected: s === 'warning'}, s)))),
    duration: field('duration', 'For (minutes or 90s)', h('input', {value: '5'})),
    tags: field('tags', 'Tags', h('input', {placeholder: 'sessions, kpi'}), 'comma-separated'),
    channels: field('channels', 'Channels', h('input', {placeholder: 'webhook, email'}), 'comma-separated receivers the routing tree knows'),
    group: field('group', 'Group', h('input', {value: 'api'})),
  };
  const prom = {
    group: field('group', 'Group', h('input', {value: 'api'})),
    alert: field('alert', 'Alert name', h('input', {})),
    expr: field('expr', 'Expression (PromQL)', h('textarea', {rows: 3, spellcheck: 'false'})),
    for: field('for', 'For', h('input', {value: '5m'})),
    keep_firing_for: field('keep_firing_for', 'Keep firing for', h('input', {value: '0s'})),
    labels: field('labels', 'Labels (name=value per line)', h('textarea', {rows: 3}, 'severity=warning')),
    annotations: field('annotations', 'Annotations (name=value per line)', h('textarea', {rows: 3})),
  };
  // Prometheus' fields get their own ids: both forms are in the page at once.
  for (const f of Object.values(prom)) {
    f.input.id = `p-${f.name}`;
    f.error.id = `perr-${f.name}`;
    f.input.setAttribute('aria-describedby', f.error.id);
    f.wrap.querySelector('label').htmlFor = f.input.id;
  }
  const enabled = h('input', {type: 'checkbox', id: 'f-enabled', checked: true});
  const formError = h('p', {class: 'form-error', id: 'rule-error', role: 'alert'});
  const seedBox = h('div', {class: 'form-grid', id: 'seed-fields'}, Object.values(seed).map((f) => f.wrap));
  const promBox = h('div', {id: 'prom-fields', hidden: true}, h('div', {class: 'form-grid'}, prom.group.wrap, prom.alert.wrap, prom.for.wrap, prom.keep_firing_for.wrap),
    prom.expr.wrap, h('div', {class: 'form-grid'}, prom.labels.wrap, prom.annotations.wrap));
  const tabSeed = h('button', {type: 'button', role: 'tab', id: 'tab-seed', 'aria-selected': 'true', onclick: () => setMode('seed')}, 'Simple');
  const tabProm = h('button', {type: 'button', role: 'tab', id: 'tab-prom', 'aria-selected': 'false', onclick: () => setMode('prom')}, 'PromQL');
  const setMode = (m) => {
    mode = m;
    seedBox.hidden = m !== 'seed';
    promBox.hidden = m !== 'prom';
    tabSeed.setAttribute('aria-selected', String(m === 'seed'));
    tabProm.setAttribute('aria-selected', String(m === 'prom'));
  };
  const clearErrors = () => {
    formError.textContent = '';
    for (const f of [...Object.values(seed), ...Object.values(prom)]) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
    }
  };
  const showError = (err) => {
    const fields = mode === 'seed' ? seed : prom;
    const f = err instanceof ApiError && err.field ? fields[err.field] : null;
    if (f) {
      f.error.textContent = err.position ? `${err.message} (line ${err.position.line}, column ${err.position.column})` : err.message;
      f.input.setAttribute('aria-invalid', 'true');
      f.input.focus();
    } else {
      formError.textContent = err.message;
    }
  };
  const body = () => {
    if (mode === 'seed') {
      const v = (k) => seed[k].input.value.trim();
      const dur = v('duration');
      return {group: v('group') || 'api', name: v('name'), description: v('description'), metric: v('metric'), condition: v('condition'),
        threshold: v('threshold') === '' ? null : Number(v('threshold')), severity: v('severity'),
        duration: /^\d+(\.\d+)?$/.test(dur) ? Number(dur) : dur, tags: list(v('tags')), channels: list(v('channels')), enabled: enabled.checked};
    }
    const v = (k) => prom[k].input.value;
    return {group: v('group').trim() || 'api', alert: v('alert').trim(), expr: v('expr'), for: v('for').trim() || '0s',
      keep_firing_for: v('keep_firing_for').trim() || '0s', labels: kv(v('labels')), annotations: kv(v('annotations')), enabled: enabled.checked};
  };
  const form = h('form', {id: 'rule-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors();
    try {
      const r = editing
        ? await call('PUT', `/api/monitoring/alert-rules/${editing}`, body(), etag ? {'If-Match': etag} : {})
        : await call('POST', '/api/monitoring/alert-rules', body());
      toast(`Rule ${r.data.prometheus ? r.data.prometheus.alert : ''} saved`);
      location.hash = '#/rules';
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) formError.textContent = 'The rule changed since you opened it: reload the page to see the new version.';
      else showError(err);
    }
  }},
  h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'Form'}, tabSeed, tabProm),
  seedBox, promBox,
  h('div', {class: 'field'}, h('label', {for: 'f-enabled'}, enabled, ' enabled (a disabled rule is stored but not evaluated)')),
  formError,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', id: 'rule-submit'}, editing ? 'Save' : 'Create rule'),
    h('a', {href: '#/rules'}, 'Cancel')),
  h('datalist', {id: 'kpi-keys'}, kpiKeys().map((k) => h('option', {value: k}))));
  replace(main, h('h1', {}, h('a', {href: '#/rules'}, 'Rules'), ' › ', editing ? 'edit' : 'new'), h('div', {class: 'panel'}, form));
  if (editing) {
    get(`/api/monitoring/alert-rules/${editing}`).then((r) => {
      etag = r.etag || '';
      const s = r.seed || {};
      const p = r.prometheus || {};
      enabled.checked = !!r.enabled;
      for (const k of ['group', 'alert', 'expr', 'for', 'keep_firing_for']) if (p[k] !== undefined) prom[k].input.value = k === 'group' ? r.group : p[k];
      prom.labels.input.value = Object.entries(p.labels || {}).map(([k, v]) => `${k}=${v}`).join('\n');
      prom.annotations.input.value = Object.entries(p.annotations || {}).map(([k, v]) => `${k}=${v}`).join('\n');
      if (s.metric !== null && s.metric !== undefined) {
        for (const k of ['name', 'description', 'metric', 'condition', 'threshold', 'severity', 'duration']) {
          if (s[k] !== null && s[k] !== undefined) seed[k].input.value = String(s[k]);
        }
        seed.group.input.value = r.group;
        seed.tags.input.value = (s.tags || []).join(', ');
        seed.channels.input.value = (s.channels || []).join(', ');
        setMode('seed');
      } else {
        setMode('prom');  // not a simple comparison: only Prometheus' form can say it
      }
    }).catch((e) => { formError.textContent = e.message; });
  }
  return () => {};
}
