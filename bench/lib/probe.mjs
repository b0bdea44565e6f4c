/**
 * Preloaded (`node --import ./probe.mjs server.js`) into every server process a benchmark starts,
 * so that the benchmark can read the server's own CPU time and heap over IPC:
 * `{ type: 'cpu' }` → `{ type: 'cpu', user, system }` (µs), `{ type: 'heap' }` → `{ type: 'heap', heapUsed }`, `{ type: 'mem' }` → `{ type: 'mem', rss, maxRss }` (bytes)
 * (after a full GC when `--expose-gc` is given); `{ type: 'alloc-start' }` / `{ type: 'alloc-stop' }` sample
 * the heap allocations made in between (collected objects included) and answer with the bytes per
 * allocating function; `{ type: 'prof-start', intervalUs }` / `{ type: 'prof-stop' }` run V8's sampling CPU
 * profiler in between and answer with the profile (a window of steady load, unlike `--cpu-prof`, which
 * also records the start-up and the JIT's warm-up). With `BENCH_LOOPBACK=1`, a server that would
 * listen on every interface (Portkey's `serve({ port })`) listens on 127.0.0.1 instead.
 */
import net from 'node:net';

if (process.env.BENCH_LOOPBACK === '1') {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function loopbackListen(...args) {
    if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, '127.0.0.1');
    else if (args[0] && typeof args[0] === 'object' && !args[0].host && !args[0].path) args[0] = { ...args[0], host: '127.0.0.1' };
    return listen.apply(this, args);
  };
}

// Portkey + @hono/node-server 1.19 on Node 22/24: `new Response(stream, upstreamFetchResponse)` keeps the
// upstream's immutable Headers, and every streamed answer fails with "TypeError: immutable". With
// `BENCH_MUTABLE_FETCH_HEADERS=1`, fetch answers carry mutable headers (one extra Response per call).
if (process.env.BENCH_MUTABLE_FETCH_HEADERS === '1') {
  const fetch = globalThis.fetch;
  const NativeResponse = globalThis.Response;
  globalThis.fetch = async function fetchWithMutableHeaders(...args) {
    const res = await fetch(...args);
    return new NativeResponse(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
  };
}

/** The sampling heap profiler's session while `alloc-start` … `alloc-stop` runs. */
let allocSession;

/** Bytes allocated per function (`[functionName, url, line, bytes]`) in a sampling heap profile. */
function allocationsOf(profile) {
  const sites = new Map();
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}\u0000${url}\u0000${lineNumber}`;
    sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return [...sites].filter(([, bytes]) => bytes > 0).map(([key, bytes]) => {
    const [functionName, url, line] = key.split('\u0000');
    return [functionName, url, Number(line), bytes];
  });
}

async function onAllocMessage(msg) {
  const { Session } = await import('node:inspector/promises');
  if (msg.type === 'alloc-start') {
    allocSession = new Session();
    allocSession.connect();
    // With `BENCH_ALLOC_SURVIVORS=1`: only what outlived a scavenge (promoted, or allocated in the old space).
    const survivors = process.env.BENCH_ALLOC_SURVIVORS === '1';
    await allocSession.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !survivors });
    process.send({ type: 'alloc-start', id: msg.id });
  } else {
    const { profile } = await allocSession.post('HeapProfiler.stopSampling');
    allocSession.disconnect();
    process.send({ type: 'alloc-stop', id: msg.id, sites: allocationsOf(profile) });
  }
}

/** The sampling CPU profiler's session while `prof-start` … `prof-stop` runs. */
let profSession;

async function onProfMessage(msg) {
  const { Session } = await import('node:inspector/promises');
  if (msg.type === 'prof-start') {
    profSession = new Session();
    profSession.connect();
    await profSession.post('Profiler.enable');
    await profSession.post('Profiler.setSamplingInterval', { interval: msg.intervalUs ?? 200 });
    await profSession.post('Profiler.start');
    process.send({ type: 'prof-start', id: msg.id });
  } else {
    const { profile } = await profSession.post('Profiler.stop');
    profSession.disconnect();
    process.send({ type: 'prof-stop', id: msg.id, profile });
  }
}

if (process.send) {
  process.on('message', (msg) => {
    if (msg?.type === 'alloc-start' || msg?.type === 'alloc-stop') void onAllocMessage(msg);
    if (msg?.type === 'prof-start' || msg?.type === 'prof-stop') void onProfMessage(msg);
    if (msg?.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ type: 'cpu', id: msg.id, user, system });
    } else if (msg?.type === 'mem') {
      // Peak resident set size (kB → bytes) since the process started, and the current one.
      process.send({ type: 'mem', id: msg.id, rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024 });
    } else if (msg?.type === 'heap') {
      globalThis.gc?.();
      process.send({ type: 'heap', id: msg.id, heapUsed: process.memoryUsage().heapUsed });
    }
  });
  // The IPC channel must not keep a server alive on its own, and a server must not outlive its bench.
  process.channel?.unref();
  process.once('disconnect', () => process.exit(0));
}
