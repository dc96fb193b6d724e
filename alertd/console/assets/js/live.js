// The live connection to /api/monitoring/ws (docs/api-live.md): subscribes to the dashboard, alerts and
// health topics, keeps the largest seq seen and resumes with `since` after a reconnect, so nothing is
// missed. Listeners get every snapshot and event; nothing here polls.

import {token, needsToken} from './api.js';

const TOPICS = ['dashboard', 'alerts', 'health'];

/** One live connection with automatic reconnection (1 s doubling to 30 s). */
export class Live {
  constructor(onMessage, onStatus) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.seq = 0;
    this.ws = null;
    this.delay = 1000;
    this.timer = null;
    this.stopped = true;
  }

  /** Connects (again), unless the token is needed and missing: then reports 'token' and waits. */
  start() {
    this.stop();
    this.stopped = false;
    if (needsToken() && !token()) {
      this.onStatus('token');
      return;
    }
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const params = new URLSearchParams({topics: TOPICS.join(',')});
    if (this.seq > 0) params.set('since', String(this.seq));
    if (token()) params.set('token', token());
    this.onStatus('connecting');
    let opened = false;
    const ws = new WebSocket(`${proto}//${location.host}/api/monitoring/ws?${params}`);
    this.ws = ws;
    ws.onopen = () => { opened = true; this.delay = 1000; this.onStatus('live'); };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (typeof msg.seq === 'number' && (msg.type === 'event' || msg.type === 'snapshot') && msg.seq > this.seq) this.seq = msg.seq;
      if (msg.type === 'reset') this.seq = msg.seq || 0;
      this.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      // A handshake refused before opening is most likely the token (the browser does not say why).
      this.onStatus(!opened && needsToken() ? 'refused' : 'offline');
      this.timer = setTimeout(() => this.start(), this.delay);
      this.delay = Math.min(this.delay * 2, 30000);
    };
  }

  /** Closes the connection and cancels any reconnection. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
  }
}
