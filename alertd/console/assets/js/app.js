// The console's entry point: the hash router (#/overview, #/service/NAME, #/alerts, #/alerts/ID,
// #/silences, #/silences/new, #/rules, #/rules/new, #/rules/ID/edit, #/api), the token dialog and the
// live connection that feeds store.js.

import {h, replace} from './dom.js';
import {loadSettings, needsToken, token, setToken, setTokenPrompt, get} from './api.js';
import {Live} from './live.js';
import {apply, seedDashboard} from './store.js';
import * as overview from './pages/overview.js';
import * as service from './pages/service.js';
import * as alerts from './pages/alerts.js';
import * as silences from './pages/silences.js';
import * as rules from './pages/rules.js';
import * as apiLinks from './pages/api_links.js';

const ROUTES = [
  [/^\/?$/, 'overview', overview.mount],
  [/^\/overview$/, 'overview', overview.mount],
  [/^\/service\/([^/]+)$/, 'overview', service.mount, ['name']],
  [/^\/alerts$/, 'alerts', alerts.mountList],
  [/^\/alerts\/([0-9a-fA-F]+)$/, 'alerts', alerts.mountDetail, ['id']],
  [/^\/silences$/, 'silences', silences.mountList],
  [/^\/silences\/new$/, 'silences', silences.mountNew],
  [/^\/rules$/, 'rules', rules.mountList],
  [/^\/rules\/new$/, 'rules', rules.mountForm],
  [/^\/rules\/([0-9a-f]+)\/edit$/, 'rules', rules.mountForm, ['id']],
  [/^\/api$/, 'api', apiLinks.mount],
];

const main = document.getElementById('main');
let unmount = () => {};

function route() {
  const hash = location.hash || '#/overview';
  if (!hash.startsWith('#/')) return;  // an in-page anchor such as the skip link
  const [path, search] = hash.slice(1).split('?');
  const query = new URLSearchParams(search || '');
  unmount();
  unmount = () => {};
  for (const [re, page, mount, names] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    const params = {};
    (names || []).forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
    for (const a of document.querySelectorAll('#nav a')) {
      if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${page[0].toUpperCase()}${page.slice(1)} · alertd`;
    unmount = mount(main, params, query) || (() => {});
    return;
  }
  replace(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, hash), '. ', h('a', {href: '#/overview'}, 'Overview')));
}

// The token dialog: asked for on the button, when alertd needs a token the tab does not have, and when a
// mutation is refused. Resolves to whether a token was given.
const dialog = document.getElementById('token-dialog');
const input = document.getElementById('token-input');
let pending = null;
function promptToken(reason) {
  document.getElementById('token-reason').textContent = reason ||
    'Acknowledging, silencing, editing rules and live updates need alertd’s API bearer token. It is kept in this tab only (sessionStorage).';
  input.value = '';
  if (!dialog.open) dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    if (pending) pending(false);
    pending = resolve;
  });
}
function closeDialog(result) {
  if (dialog.open) dialog.close();
  if (pending) {
    const p = pending;
    pending = null;
    p(result);
  }
}
setTokenPrompt(promptToken);

const status = document.getElementById('live-status');
const STATUS = {
  live: ['live', 'ok'], connecting: ['connecting…', ''], offline: ['offline: reconnecting', 'bad'],
  refused: ['live updates refused: check the token', 'bad'], token: ['live updates need the token', 'bad'],
};
const live = new Live(apply, (s) => {
  const [text, cls] = STATUS[s] || [s, ''];
  status.textContent = text;
  status.className = `live ${cls}`;
  status.dataset.state = s;
});

document.getElementById('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(input.value.trim());
  closeDialog(true);
  live.start();
});
document.getElementById('token-forget').addEventListener('click', () => {
  setToken('');
  closeDialog(false);
  live.start();
});
document.getElementById('token-cancel').addEventListener('click', () => closeDialog(false));
dialog.addEventListener('cancel', () => closeDialog(false));
document.getElementById('token-button').addEventListener('click', () => promptToken());
document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);

async function start() {
  await loadSettings();
  route();
  live.start();
  if (needsToken() && !token()) {
    // Without the stream the pages still read: one GET of the dashboard, then the token is asked for.
    get('/api/monitoring/dashboard').then(seedDashboard).catch(() => {});
    promptToken('alertd needs its API token for live updates and changes. Reading works without it.');
  }
}
start();
