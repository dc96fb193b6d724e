// API: the endpoints alertd serves, as links (what / used to be before the console).

import {h, replace} from '../dom.js';

const LINKS = [
  ['/api/v1/alerts', 'pending and firing alerts (Prometheus)'],
  ['/api/v1/rules', 'rule groups and their health (Prometheus)'],
  ['/api/v1/targets', 'scrape targets'],
  ['/api/v1/query?query=up', 'instant PromQL queries'],
  ['/api/v1/query_range?query=up&start=…&end=…&step=15s', 'range PromQL queries', false],
  ['/api/monitoring/dashboard', 'the dashboard document'],
  ['/api/monitoring/metrics', 'current KPIs by service and platform-wide'],
  ['/api/monitoring/health', 'services, targets and alertd components'],
  ['/api/monitoring/alerts', 'stored alerts, history and acknowledgements'],
  ['/api/monitoring/silences', 'silences'],
  ['/api/monitoring/alert-rules', 'rules over the API'],
  ['/api/monitoring/historical/sessions.successRate', 'one metric’s history'],
  ['/api/monitoring/ws', 'live updates (WebSocket)', false],
  ['/metrics', 'alertd’s own metrics'],
  ['/-/healthy', 'liveness'],
  ['/-/ready', 'readiness'],
];

/** Mounts the list of endpoints. */
export function mount(main) {
  replace(main, h('h1', {}, 'API'),
    h('p', {}, 'alertd’s HTTP endpoints. The documents in docs/ describe their parameters and answers.'),
    h('ul', {id: 'api-links'}, LINKS.map(([path, what, link]) => h('li', {},
      link === false ? h('code', {}, path) : h('a', {href: path}, h('code', {}, path)), ` — ${what}`))));
  return () => {};
}
