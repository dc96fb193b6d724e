// Silences: the list of /api/monitoring/silences by state, expiring one, and the form that creates one
// from matchers and a duration (prefilled from an alert by its "Silence…" link).

import {h, replace, pill, when, toast, parseDuration} from '../dom.js';
import {get, call} from '../api.js';

const USER_KEY = 'alertd.console.user';
const OPS = ['=', '!=', '=~', '!~'];

function matcherText(m) {
  return `${m.name}${m.isRegex ? (m.isEqual ? '=~' : '!~') : (m.isEqual ? '=' : '!=')}"${m.value}"`;
}

/** Mounts the silence list. */
export function mountList(main, params, query) {
  const stateSel = h('select', {id: 'silence-state', 'aria-label': 'State', onchange: () => {
    location.hash = stateSel.value ? `#/silences?state=${stateSel.value}` : '#/silences';
  }}, [['', 'active and pending'], ['active', 'active'], ['pending', 'pending'], ['expired', 'expired'], ['all', 'all']]
    .map(([v, t]) => h('option', {value: v, selected: (query.get('state') || '') === v}, t)));
  const table = h('div', {class: 'table-wrap', id: 'silence-table'}, h('p', {class: 'muted'}, 'Loading…'));
  const load = async () => {
    const st = query.get('state') || '';
    let rows;
    try {
      rows = await get(st && st !== 'all' ? `/api/monitoring/silences?state=${st}` : '/api/monitoring/silences');
    } catch (e) {
      replace(table, h('p', {class: 'form-error'}, e.message));
      return;
    }
    if (!st) rows = rows.filter((s) => s.status.state !== 'expired');
    rows.sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)));
    replace(table, rows.length === 0 ? h('p', {class: 'muted'}, 'No silence.') : h('table', {},
      h('thead', {}, h('tr', {}, ['Matchers', 'State', 'Starts', 'Ends', 'Created by', 'Comment', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.map((s) => h('tr', {dataset: {silence: s.id, state: s.status.state}},
        h('td', {}, h('span', {class: 'labels'}, s.matchers.map((m) => h('span', {class: 'label-chip'}, matcherText(m))))),
        h('td', {}, pill(s.status.state)), h('td', {}, when(s.startsAt)), h('td', {}, when(s.endsAt)),
        h('td', {}, s.createdBy || '–'), h('td', {}, s.comment || ''),
        h('td', {}, s.status.state === 'expired' ? '' : h('button', {type: 'button', class: 'danger', 'aria-label': `Expire silence ${s.id}`,
          onclick: async (e) => {
            e.target.disabled = true;
            try {
              await call('DELETE', `/api/monitoring/silences/${encodeURIComponent(s.id)}`);
              toast('Silence expired');
            } catch (err) {
              toast(err.message, true);
            }
            load();
          }}, 'Expire')))))));
  };
  replace(main, h('h1', {}, 'Silences'),
    h('div', {class: 'row'}, h('div', {class: 'field'}, h('label', {for: 'silence-state'}, 'Show'), stateSel),
      h('div', {class: 'field'}, h('a', {href: '#/silences/new', id: 'new-silence', class: 'button primary'}, 'New silence'))),
    table);
  load();
  return () => {};
}

/** Splits 'a="x",b=~"y.*"' into [{name, op, value}]. */
function parseMatchers(text) {
  const out = [];
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m;
  while ((m = re.exec(text)) !== null) out.push({name: m[1], op: m[2], value: m[3].replace(/\\(.)/g, '$1')});
  return out;
}

/** Mounts the form that creates a silence; `query.matchers` prefills it. */
export function mountNew(main, params, query) {
  const rows = h('div', {id: 'matchers'});
  const addRow = (m) => {
    const i = rows.children.length;
    const row = h('div', {class: 'row matcher'},
      h('div', {class: 'field'}, h('label', {for: `m-name-${i}`}, 'Label'), h('input', {id: `m-name-${i}`, class: 'm-name', value: m.name || '', required: true, size: 14})),
      h('div', {class: 'field'}, h('label', {for: `m-op-${i}`}, 'Operator'), h('select', {id: `m-op-${i}`, class: 'm-op'},
        OPS.map((o) => h('option', {value: o, selected: o === (m.op || '=')}, o)))),
      h('div', {class: 'field'}, h('label', {for: `m-value-${i}`}, 'Value'), h('input', {id: `m-value-${i}`, class: 'm-value', value: m.value || '', size: 22})),
      h('div', {class: 'field'}, h('button', {type: 'button', 'aria-label': 'Remove matcher', onclick: () => row.remove()}, '✕')));
    rows.append(row);
  };
  const initial = parseMatchers(query.get('matchers') || '');
  (initial.length ? initial : [{}]).forEach(addRow);
  const duration = h('input', {id: 'silence-duration', value: '2h', size: 8, 'aria-describedby': 'err-duration'});
  const by = h('input', {id: 'silence-by', value: localStorage.getItem(USER_KEY) || 'console', required: true});
  const comment = h('textarea', {id: 'silence-comment', rows: 2});
  const errDuration = h('p', {class: 'field-error', id: 'err-duration'});
  const errForm = h('p', {class: 'form-error', id: 'silence-error', role: 'alert'});
  const form = h('form', {id: 'silence-form', onsubmit: async (e) => {
    e.preventDefault();
    errDuration.textContent = '';
    errForm.textContent = '';
    duration.removeAttribute('aria-invalid');
    const ms = parseDuration(duration.value);
    if (!ms) {
      errDuration.textContent = 'a duration such as 30m, 2h or 1d';
      duration.setAttribute('aria-invalid', 'true');
      duration.focus();
      return;
    }
    const matchers = [...rows.querySelectorAll('.matcher')].map((r) => {
      const op = r.querySelector('.m-op').value;
      return {name: r.querySelector('.m-name').value.trim(), value: r.querySelector('.m-value').value,
        isRegex: op.includes('~'), isEqual: !op.startsWith('!')};
    });
    const now = new Date();
    localStorage.setItem(USER_KEY, by.value);
    try {
      const r = await call('POST', '/api/monitoring/silences', {matchers, startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + ms).toISOString(), createdBy: by.value, comment: comment.value});
      toast(`Silence ${r.data.silenceID} created`);
      location.hash = '#/silences';
    } catch (err) {
      errForm.textContent = err.message;
    }
  }},
  h('fieldset', {class: 'panel'}, h('legend', {}, 'Matchers (all must match)'), rows,
    h('button', {type: 'button', onclick: () => addRow({})}, 'Add matcher')),
  h('div', {class: 'form-grid'},
    h('div', {class: 'field'}, h('label', {for: 'silence-duration'}, 'Duration'), duration, errDuration),
    h('div', {class: 'field'}, h('label', {for: 'silence-by'}, 'Created by'), by)),
  h('div', {class: 'field'}, h('label', {for: 'silence-comment'}, 'Comment'), comment),
  errForm,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', id: 'silence-submit'}, 'Create silence'),
    h('a', {href: '#/silences'}, 'Cancel')));
  replace(main, h('h1', {}, h('a', {href: '#/silences'}, 'Silences'), ' › new'), form);
  return () => {};
}
