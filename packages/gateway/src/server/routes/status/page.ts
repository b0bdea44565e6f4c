/**
 * The status page: one HTML document with its style and script inline (no external asset, no
 * build step), allowed by a strict Content-Security-Policy through a per-response nonce.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { STATUS_SCRIPT } from './page-script.js';

const STYLE = `
:root { color-scheme: light dark; --bg: #f7f7f5; --card: #fff; --ink: #1d1d1f; --muted: #6b6b70; --line: #e2e2e0;
  --ok: #2e9d5b; --err: #d64545; --warn: #c98a12; --accent: #3a6df0; }
@media (prefers-color-scheme: dark) { :root { --bg: #151517; --card: #1f1f22; --ink: #ececef; --muted: #9a9aa2; --line: #333338; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: baseline; padding: .8rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); position: sticky; top: 0; z-index: 1; }
h1 { font-size: 1.15rem; margin: 0; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
h3 { font-size: .85rem; margin: .6rem 0 .3rem; color: var(--muted); font-weight: 600; }
main { padding: 1rem; max-width: 1100px; margin: 0 auto; display: grid; gap: 1rem; }
section.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .8rem 1rem; min-width: 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); }
#conn { font-size: .85rem; padding: .1rem .5rem; border-radius: 999px; background: var(--line); }
#conn[data-state="live"] { background: var(--ok); color: #fff; }
#conn[data-state="closed"] { background: var(--err); color: #fff; }
#uptime, .muted { color: var(--muted); font-size: .85rem; }
.notice { background: var(--warn); color: #fff; margin: 0; padding: .4rem 1rem; font-size: .85rem; }
.targets { display: grid; gap: .7rem; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); }
.target { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .7rem; min-width: 0; }
.target .head { display: flex; justify-content: space-between; gap: .5rem; align-items: baseline; flex-wrap: wrap; }
.target .name { font-weight: 600; overflow-wrap: anywhere; }
.breaker { font-size: .8rem; padding: .05rem .45rem; border-radius: 999px; color: #fff; background: var(--ok); }
.breaker[data-state="open"], .breaker[data-state="isolated"] { background: var(--err); }
.breaker[data-state="half-open"] { background: var(--warn); }
.figs { display: grid; grid-template-columns: repeat(2, 1fr); gap: .2rem .8rem; margin: .5rem 0; }
.figs dt { font-size: .75rem; color: var(--muted); }
.figs dd { margin: 0; font-variant-numeric: tabular-nums; }
.error { font-size: .8rem; color: var(--muted); margin: .3rem 0 0; overflow-wrap: anywhere; }
.keys { font-size: .8rem; margin: .3rem 0 0; }
.keys[data-state="quarantined"] { color: var(--err); }
svg.spark { width: 100%; height: 28px; display: block; }
svg .ok { fill: var(--ok); } svg .err { fill: var(--err); }
svg.bar { width: 100%; height: 8px; display: block; }
svg.bar .track { fill: var(--line); } svg.bar .fill { fill: var(--accent); } svg.bar.over .fill { fill: var(--err); }
#timeline { list-style: none; margin: 0; padding: 0; max-height: 22rem; overflow-y: auto; }
#timeline li { display: grid; grid-template-columns: auto auto 1fr auto; gap: .6rem; padding: .25rem 0; border-bottom: 1px solid var(--line); font-size: .88rem; align-items: baseline; }
#timeline time { color: var(--muted); font-variant-numeric: tabular-nums; }
#timeline .kind { font-size: .75rem; padding: 0 .4rem; border-radius: 4px; background: var(--line); }
#timeline li[data-kind="failover"] .kind { background: var(--accent); color: #fff; }
#timeline li[data-kind="breaker"] .kind, #timeline li[data-kind="key"] .kind { background: var(--warn); color: #fff; }
#timeline li[data-kind="failed"] .kind, #timeline li[data-kind="degraded"] .kind { background: var(--err); color: #fff; }
#timeline .text { overflow-wrap: anywhere; }
#timeline .count { font-size: .8rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.row { display: grid; grid-template-columns: minmax(6rem, 14rem) 1fr 12rem; gap: .6rem; align-items: center; font-size: .88rem; padding: .15rem 0; }
.row .key { overflow-wrap: anywhere; }
.row .num { font-variant-numeric: tabular-nums; color: var(--muted); }
.total { margin: .2rem 0 .4rem; font-weight: 600; }
@media (max-width: 520px) { main { padding: .6rem; } .row { grid-template-columns: 1fr auto; } .row svg { grid-column: 1 / -1; grid-row: 2; } }
`;

/** A fresh nonce for one response. */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The page's Content-Security-Policy: nothing but its own inline style and script (by nonce),
 * its event stream (`connect-src 'self'`) and the empty `data:` icon; never framed.
 *
 * @param nonce - the response's nonce
 */
export function statusPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The status page's HTML.
 *
 * @param nonce - the response's CSP nonce (see {@link statusPolicy})
 * @returns the document
 * @example
 * ```ts
 * const nonce = newNonce();
 * reply.header('content-security-policy', statusPolicy(nonce)).type('text/html').send(statusPage(nonce));
 * ```
 */
export function statusPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Lifeline status</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header><h1>Lifeline status</h1><span id="conn" data-state="connecting">connecting…</span><span id="uptime"></span></header>
<p id="authoff" class="notice" hidden>Auth is off: anyone who can reach this gateway can call it and see this page (set auth.keys).</p>
<main>
<section class="panel"><h2>Routes and targets</h2><p class="muted">Per target, the last 5 minutes: success rate, attempts per minute, latency and time to first token (p50 / p95), attempts per 10 s.</p><div id="routes"></div></section>
<section class="panel"><h2>Timeline</h2><ol id="timeline"></ol><p id="timeline-empty" class="muted">Nothing yet: no failover, breaker change, degraded or stale answer.</p></section>
<section class="panel"><h2>Spend today</h2><div id="spend"></div></section>
<div class="grid">
<section class="panel"><h2>Cache</h2><div id="cache"></div></section>
<section class="panel"><h2>Rate limit</h2><div id="queues"></div></section>
<section class="panel"><h2>State store</h2><div id="store"></div></section>
</div>
</main>
<script nonce="${nonce}">${STATUS_SCRIPT}</script>
</body>
</html>
`;
}
