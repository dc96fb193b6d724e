// alertd's HTTP API as the pages use it, with the bearer token kept in sessionStorage (this tab only).
// A mutation answered 401 asks for the token and is retried once with it.

const TOKEN_KEY = 'alertd.console.token';
let tokenRequired = false;
let askToken = null;  // set by app.js: (reason) => Promise<boolean>

/** The token of this tab, or ''. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

/** Stores (or with '' forgets) the token for this tab. */
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Whether alertd has a token configured (from /console/settings.json). */
export function needsToken() {
  return tokenRequired;
}

/** Installs the prompt that asks the user for a token. */
export function setTokenPrompt(fn) {
  askToken = fn;
}

/** Reads /console/settings.json. */
export async function loadSettings() {
  try {
    const res = await fetch('/console/settings.json', {cache: 'no-store'});
    const s = await res.json();
    tokenRequired = !!s.tokenRequired;
  } catch (e) {
    tokenRequired = false;
  }
  return {tokenRequired};
}

/** An error answer of the API: status, message, and the rule API's field and position when given. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.field = this.body.field || '';
    this.position = this.body.position || null;
  }
}

/**
 * Calls the API: `method` and `path`, an optional JSON `body` and extra `headers`. Resolves to
 * {status, data, headers} for 2xx (data is the parsed body's `data` when it has one), rejects with ApiError.
 */
export async function call(method, path, body, headers, retried) {
  const h = Object.assign({Accept: 'application/json'}, headers || {});
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const mutating = method !== 'GET' && method !== 'HEAD';
  if (mutating && token()) h.Authorization = `Bearer ${token()}`;
  const res = await fetch(path, {method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store'});
  let parsed = null;
  const text = await res.text();
  if (text) {
    try { parsed = JSON.parse(text); } catch (e) { parsed = {error: text.trim()}; }
  }
  if (res.status === 401 && mutating && !retried && askToken) {
    const got = await askToken(token() ? 'alertd refused the token: enter the right one.' : 'This action needs the API token.');
    if (got) return call(method, path, body, headers, true);
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  const data = parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
  return {status: res.status, data, headers: res.headers};
}

/** GET `path` and resolve to its data. */
export async function get(path) {
  return (await call('GET', path)).data;
}
