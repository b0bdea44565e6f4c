/**
 * The first part of the status page's script: DOM and SVG helpers, number formats, a target's
 * card (breaker, figures, sparkline, last error). Runs inside the page script's function, whose
 * `state` and `skew` it reads.
 * @module
 */

/** Helpers and the target card (the first part of the page script's function body). */
export const CARD_SCRIPT = String.raw`
  var SVG = 'http://www.w3.org/2000/svg';
  var byId = function (id) { return document.getElementById(id); };
  var el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  var svg = function (tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  };
  var serverNow = function () { return Date.now() + skew; };
  var clock = function (ms) { return new Date(ms - skew).toLocaleTimeString([], { hour12: false }); };
  var pct = function (v) { return v === null || v === undefined ? '–' : (Math.round(v * 1000) / 10) + '%'; };
  var ms = function (v) { return v >= 10000 ? (v / 1000).toFixed(1) + ' s' : Math.round(v) + ' ms'; };
  var pair = function (p) {
    if (!p) return '–';
    return p.p95 < 10000 ? Math.round(p.p50) + ' / ' + Math.round(p.p95) + ' ms' : ms(p.p50) + ' / ' + ms(p.p95);
  };
  var usd = function (v) { return v === 0 ? '$0' : '$' + (v < 0.01 ? v.toPrecision(3) : v.toFixed(2)); };

  function bar(fraction, over) {
    var s = svg('svg', { class: 'bar' + (over ? ' over' : ''), viewBox: '0 0 100 6', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
    s.appendChild(svg('rect', { class: 'track', x: 0, y: 0, width: 100, height: 6 }));
    s.appendChild(svg('rect', { class: 'fill', x: 0, y: 0, width: Math.max(0, Math.min(100, fraction * 100)), height: 6 }));
    return s;
  }

  function sparkline(series) {
    var n = series.ok.length;
    var max = 1;
    for (var i = 0; i < n; i++) max = Math.max(max, series.ok[i] + series.errors[i]);
    var s = svg('svg', { class: 'spark', viewBox: '0 0 ' + n * 5 + ' 24', preserveAspectRatio: 'none', role: 'img', 'aria-label': 'attempts per 10 s over 5 min (failures on top)' });
    for (var j = 0; j < n; j++) {
      var ok = (series.ok[j] / max) * 24;
      var bad = (series.errors[j] / max) * 24;
      if (ok > 0) s.appendChild(svg('rect', { class: 'ok', x: j * 5, y: 24 - ok, width: 4, height: ok }));
      if (bad > 0) s.appendChild(svg('rect', { class: 'err', x: j * 5, y: 24 - ok - bad, width: 4, height: bad }));
    }
    return s;
  }

  function breakerText(b) {
    var many = b.keys.length > 1 ? ' (' + b.keys.length + ' models)' : '';
    if (b.state === 'open') {
      if (b.until === null) return 'open' + many;
      var left = Math.ceil((b.until - serverNow()) / 1000);
      return 'open until ' + clock(b.until) + (left > 0 ? ' (' + left + ' s)' : ', probe due') + many;
    }
    if (b.state === 'half-open') return 'half-open (probing)' + many;
    if (b.state === 'isolated') return 'isolated (by hand)' + many;
    return 'closed';
  }

  function fig(label, cls, value) {
    var d = el('div');
    d.appendChild(el('dt', '', label));
    d.appendChild(el('dd', cls, value));
    return d;
  }

  function targetCard(t) {
    var card = el('article', 'target');
    card.dataset.target = t.name;
    var head = el('div', 'head');
    head.appendChild(el('span', 'name', t.name));
    var b = el('span', 'breaker', breakerText(t.breaker));
    b.dataset.state = t.breaker.state;
    b.title = t.breaker.keys.map(function (k) { return k.key + ': ' + k.state; }).join('\n');
    head.appendChild(b);
    card.appendChild(head);
    var figs = el('dl', 'figs');
    figs.appendChild(fig('success', 'success', pct(t.successRate)));
    figs.appendChild(fig('req/min', 'rpm', String(t.rpm)));
    figs.appendChild(fig('latency p50/p95', 'latency', pair(t.latencyMs)));
    figs.appendChild(fig('TTFT p50/p95', 'ttft', pair(t.ttftMs)));
    card.appendChild(figs);
    card.appendChild(sparkline(t.series));
    if (t.keyPool) {
      var kp = t.keyPool;
      var back = kp.nextBackAt === null ? '' : ' (first back at ' + clock(kp.nextBackAt) + ')';
      var keys = el('p', 'keys', 'API keys: ' + kp.healthy + ' healthy · ' + kp.cooling + ' cooling' + back + ' · ' + kp.quarantined + ' quarantined');
      keys.dataset.state = kp.quarantined > 0 ? 'quarantined' : kp.cooling > 0 ? 'cooling' : 'healthy';
      keys.title = kp.aside.map(function (k) { return k.key + ': ' + k.state; }).join('\n');
      card.appendChild(keys);
    }
    var e = t.lastError;
    card.appendChild(el('p', 'error', e ? 'last error ' + clock(e.at) + ': ' + e.code + (e.status !== null ? ' (HTTP ' + e.status + ')' : '') + (e.message ? ' — ' + e.message : '') : 'no error in 5 min'));
    return card;
  }

`;
