/**
 * The status page's script (plain browser JavaScript, no build step): one `EventSource`, a
 * snapshot then changes, rendered with DOM calls (`textContent` only: no server text is ever
 * parsed as HTML) and inline SVG.
 * @module
 */
import { CARD_SCRIPT } from './page-script-cards.js';

/** Routes, timeline, summary, clock and the event stream (the second part of the function body). */
const MAIN_SCRIPT = String.raw`
  function renderRoutes() {
    var root = byId('routes');
    root.replaceChildren();
    state.routes.forEach(function (r) {
      var box = el('section', 'route');
      box.appendChild(el('h3', '', (r.pattern === '*' ? 'every model' : 'models matching ' + r.pattern) + ' · ' + (r.strategy === 'ordered' ? 'in order' : r.strategy)));
      var list = el('div', 'targets');
      r.targets.forEach(function (name) { if (state.targets[name]) list.appendChild(targetCard(state.targets[name])); });
      box.appendChild(list);
      root.appendChild(box);
    });
  }

  function updateTarget(t) {
    state.targets[t.name] = t;
    document.querySelectorAll('article.target').forEach(function (card) {
      if (card.dataset.target === t.name) card.replaceWith(targetCard(t));
    });
  }

  function timelineItem(ev) {
    var li = el('li');
    li.dataset.kind = ev.kind;
    li.dataset.id = String(ev.id);
    li.appendChild(el('time', '', clock(ev.at)));
    li.appendChild(el('span', 'kind', ev.kind));
    var text = el('span', 'text', ev.text);
    li.appendChild(text);
    if (ev.count > 1) li.appendChild(el('span', 'count', '×' + ev.count));
    return li;
  }

  function addTimeline(ev) {
    var list = byId('timeline');
    var seen = list.querySelector('li[data-id="' + Number(ev.id) + '"]');
    if (seen) return void seen.replaceWith(timelineItem(ev));
    list.insertBefore(timelineItem(ev), list.firstChild);
    while (list.children.length > 100) list.removeChild(list.lastChild);
    byId('timeline-empty').hidden = true;
  }

  function rows(root, items, max) {
    items.forEach(function (r) {
      var row = el('div', 'row');
      row.appendChild(el('span', 'key', r.key));
      row.appendChild(bar(max > 0 ? r.costUsd / max : 0));
      row.appendChild(el('span', 'num', usd(r.costUsd) + ' · ' + r.requests + ' req'));
      root.appendChild(row);
    });
  }

  function budgetRow(root, label, spent, limit) {
    var row = el('div', 'row budget');
    row.appendChild(el('span', 'key', label));
    row.appendChild(bar(limit > 0 ? spent / limit : 1, spent >= limit));
    row.appendChild(el('span', 'num', usd(spent) + ' of ' + usd(limit)));
    root.appendChild(row);
  }

  function renderSummary() {
    var s = state.summary;
    var spend = byId('spend');
    spend.replaceChildren();
    if (!s.spend) spend.appendChild(el('p', 'muted', 'No spend ledger.'));
    else {
      var sp = s.spend;
      spend.appendChild(el('p', 'total', usd(sp.totalUsd) + ' today (' + sp.day + ', UTC) · ' + usd(sp.monthUsd) + ' this month'));
      if (sp.budgets.dailyUsd !== undefined) budgetRow(spend, 'daily budget', sp.totalUsd, sp.budgets.dailyUsd);
      if (sp.budgets.monthlyUsd !== undefined) budgetRow(spend, 'monthly budget', sp.monthUsd, sp.budgets.monthlyUsd);
      sp.tenants.forEach(function (t) { budgetRow(spend, 'tenant ' + t.tenant, t.costUsd, t.budgetUsd); });
      var max = 0;
      sp.byProvider.concat(sp.byModel).forEach(function (r) { max = Math.max(max, r.costUsd); });
      if (sp.byProvider.length > 0) { spend.appendChild(el('h3', '', 'by provider')); rows(spend, sp.byProvider, max); }
      if (sp.byModel.length > 0) { spend.appendChild(el('h3', '', 'by model')); rows(spend, sp.byModel, max); }
    }
    var cache = byId('cache');
    cache.replaceChildren();
    if (!s.cache) cache.appendChild(el('p', 'muted', 'Cache off.'));
    else {
      var c = s.cache;
      cache.appendChild(el('p', 'total', 'hit ratio ' + pct(c.hitRatio)));
      cache.appendChild(bar(c.hitRatio || 0));
      cache.appendChild(el('p', 'muted', c.hits + ' hits · ' + c.misses + ' misses · ' + c.stale + ' stale · ' + c.coalesced + ' coalesced' + (c.entries !== null ? ' · ' + c.entries + ' entries' : '')));
    }
    var queues = byId('queues');
    queues.replaceChildren();
    if (!s.queues) queues.appendChild(el('p', 'muted', 'No rate limit.'));
    else {
      queues.appendChild(el('p', 'total', s.queues.total + ' waiting'));
      Object.keys(s.queues.byKey).forEach(function (k) { queues.appendChild(el('p', 'muted', k + ': ' + s.queues.byKey[k])); });
    }
    queues.appendChild(el('p', 'muted', s.inflight + ' in flight'));
    var store = byId('store');
    store.replaceChildren();
    var st = s.store;
    var line = el('p', 'total', st.kind === 'memory' ? 'memory (this process)' : 'Redis: ' + st.state);
    line.dataset.state = st.kind === 'memory' ? 'ready' : st.state;
    store.appendChild(line);
    if (st.kind === 'redis') store.appendChild(el('p', 'muted', st.url + ' · prefix ' + st.prefix + ' · ' + st.reconnects + ' reconnects · ' + st.timeouts + ' timeouts'));
  }

  function renderAll() {
    byId('authoff').hidden = !state.authOff;
    renderRoutes();
    var list = byId('timeline');
    list.replaceChildren();
    state.timeline.forEach(addTimeline);
    byId('timeline-empty').hidden = state.timeline.length > 0;
    renderSummary();
  }

  function tick() {
    if (!state) return;
    document.querySelectorAll('article.target').forEach(function (card) {
      var t = state.targets[card.dataset.target];
      if (t && t.breaker.state === 'open') card.querySelector('.breaker').textContent = breakerText(t.breaker);
    });
    var up = Math.floor((serverNow() - state.startedAt) / 1000);
    byId('uptime').textContent = 'up ' + (up >= 3600 ? Math.floor(up / 3600) + ' h ' : '') + Math.floor((up % 3600) / 60) + ' min ' + (up % 60) + ' s';
  }

  function connection(text, s) {
    var c = byId('conn');
    c.textContent = text;
    c.dataset.state = s;
  }

  var source = new EventSource(location.pathname.replace(/\/?$/, '/events'));
  source.addEventListener('snapshot', function (e) {
    state = JSON.parse(e.data);
    skew = state.at - Date.now();
    renderAll();
    tick();
    document.body.dataset.ready = 'true';
  });
  source.addEventListener('target', function (e) { if (state) updateTarget(JSON.parse(e.data)); });
  source.addEventListener('summary', function (e) { if (state) { state.summary = JSON.parse(e.data); renderSummary(); } });
  source.addEventListener('timeline', function (e) {
    if (!state) return;
    var ev = JSON.parse(e.data);
    var at = state.timeline.findIndex(function (x) { return x.id === ev.id; });
    if (at !== -1) state.timeline[at] = ev;
    else state.timeline.push(ev);
    if (state.timeline.length > 100) state.timeline.shift();
    addTimeline(ev);
  });
  source.onopen = function () { connection('live', 'live'); };
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) connection('disconnected: reload the page', 'closed');
    else connection('reconnecting…', 'connecting');
  };
  setInterval(tick, 1000);
`;

/** The script, run under the page's CSP nonce. */
export const STATUS_SCRIPT = `
'use strict';
(function () {
  var state = null;
  var skew = 0;
${CARD_SCRIPT}${MAIN_SCRIPT}})();
`;
