/**
 * `npm run bench`: each row is ours beside its anchor, measured in the same run, printed
 * as a ratio. Loopback only; every loop is bounded in count and time. Writes
 * bench/results.md with the machine and Node version.
 */
import axios from 'axios';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createCs2CapClient, createCsboardClient, createMarketClient, generateRsaKeyPair } from '../src/index.js';
import { CsboardSandbox } from '../providers/csboard/sandbox.js';
import { startSandbox } from '../src/testkit/index.js';
import { bucketAccuracy } from './bucket.js';
import { callPath } from './call-path.js';
import { importCost } from './import-cost.js';
import { deadline, ms, pct, rows } from './lib.js';
import { ensurePeers } from './peers.js';
import { queuedHeap } from './queue.js';
import { signing } from './signing.js';
import { cs2capStreams, snapshot } from './snapshot.js';
import { streaming } from './stream.js';

async function keygenLoop(): Promise<void> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await generateRsaKeyPair({ bits: 4096 });
  h.disable();
  const max = h.max / 1e6;
  rows.push({ name: 'event-loop delay (max) during 4096-bit key generation', ours: ms(max), anchor: 'forge pure-JS: blocks for seconds', ratio: '—', goal: 'loop stays free', met: max < 100 });
}

/** A bare loopback JSON server: the anchor for transport overhead. */
async function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ timestamp: null, rates: { EUR: 0.92, GBP: 0.79 } });
  const srv = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(() => r())) };
}

/**
 * Per-call latencies (ms) of two ways to make the same call, one after the other: both
 * warmed first, then interleaved in rounds so they share the machine's noise. Bounded in
 * count (1000 each) and time.
 */
async function interleavedLatencies(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  const sample = async (fn: () => Promise<unknown>, n: number): Promise<number[]> => {
    const out: number[] = [];
    const more = deadline(15);
    for (let i = 0; i < n && more(); i++) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
    return out;
  };
  await sample(a, 100);
  await sample(b, 100);
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round < 10; round++) {
    as.push(...(await sample(a, 100)));
    bs.push(...(await sample(b, 100)));
  }
  return [as, bs];
}

async function overhead(): Promise<void> {
  const srv = await bareServer();
  const bare = axios.create({ baseURL: srv.url, httpAgent: new http.Agent({ keepAlive: true }) });
  const client = createCs2CapClient({ apiKey: 'sk_live_benchKey000000000000', baseUrl: `${srv.url}/v1`, rateLimit: { default: { limit: 1_000_000, windowMs: 60_000 } } });
  const [b, o] = await interleavedLatencies(() => bare.get('/v1/fx'), () => client.getFxRates());
  const add50 = pct(o, 50) - pct(b, 50);
  const add99 = pct(o, 99) - pct(b, 99);
  rows.push({ name: 'added latency over bare axios, idle (p50 / p99)', ours: `${ms(pct(o, 50))} / ${ms(pct(o, 99))}`, anchor: `${ms(pct(b, 50))} / ${ms(pct(b, 99))}`, ratio: `+${add50.toFixed(3)} / +${add99.toFixed(3)} ms`, goal: 'p50 < 0.5 ms added', met: add50 < 0.5 });

  // Throughput, 32 in flight, bounded in count and time.
  const throughput = async (fn: () => Promise<unknown>): Promise<number> => {
    let done = 0;
    const t = performance.now();
    const more = deadline(10);
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (done < 6000 && more()) {
        await fn();
        done += 1;
      }
    }));
    return done / ((performance.now() - t) / 1000);
  };
  const tb = await throughput(() => bare.get('/v1/fx'));
  const to = await throughput(() => client.getFxRates());
  rows.push({ name: 'throughput, 32 in flight, unlimited server', ours: `${to.toFixed(0)} req/s`, anchor: `${tb.toFixed(0)} req/s`, ratio: `${((to / tb) * 100).toFixed(0)}%`, goal: '≥ 80%', met: to / tb >= 0.8 });
  await client.close();
  await srv.close();
}

async function utilization(): Promise<void> {
  const limit = 20;
  const windowMs = 1000;
  const sandbox = new CsboardSandbox({ readLimit: limit, windowMs });
  const baseUrl = await sandbox.start();
  const client = createCsboardClient({ apiKey: sandbox.createKey(), baseUrl, rateLimit: { read: { limit, windowMs } } });
  const total = 120;
  await Promise.all(Array.from({ length: total }, () => client.listListings({ limit: 1 })));
  const at = sandbox.server.requests.map((r) => r.at);
  const elapsed = Math.max(...at) - Math.min(...at);
  const ideal = (total / limit - 1) * windowMs;
  const n429 = sandbox.server.requests.filter((r) => r.status === 429).length;
  rows.push({ name: `rolling window ${limit}/${windowMs} ms, 1 process: share of the allowed rate`, ours: `${((ideal / elapsed) * 100).toFixed(1)}%, ${n429} × 429`, anchor: `ideal ${ideal} ms for ${total} calls`, ratio: `${(ideal / elapsed).toFixed(3)}`, goal: '≥ 97%, 0 × 429', met: ideal / elapsed >= 0.97 && n429 === 0 });
  await client.close();
  await sandbox.close();
}

async function utilizationRedis(url: string | undefined): Promise<void> {
  if (!url) {
    rows.push({ name: 'rolling window, 4 processes through Redis', ours: 'redis-server not installed', anchor: '—', ratio: '—', goal: '≥ 90%, 0 × 429' });
    return;
  }
  const limit = 20;
  const windowMs = 1000;
  const sandbox = new CsboardSandbox({ readLimit: limit, windowMs });
  const baseUrl = await sandbox.start();
  const key = sandbox.createKey();
  const per = 30;
  await Promise.all(Array.from({ length: 4 }, () => new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../test/cluster/worker.mjs', import.meta.url)), baseUrl, key, url, String(per), String(limit), String(windowMs)], { stdio: 'ignore' });
    child.once('exit', resolve);
  })));
  const at = sandbox.server.requests.map((r) => r.at);
  const elapsed = Math.max(...at) - Math.min(...at);
  const total = sandbox.server.requests.length;
  const ideal = (total / limit - 1) * windowMs;
  const n429 = sandbox.server.requests.filter((r) => r.status === 429).length;
  rows.push({ name: `rolling window ${limit}/${windowMs} ms, 4 processes through Redis`, ours: `${((ideal / elapsed) * 100).toFixed(1)}%, ${n429} × 429`, anchor: `ideal ${ideal} ms for ${total} calls`, ratio: `${(ideal / elapsed).toFixed(3)}`, goal: '≥ 90%, 0 × 429', met: ideal / elapsed >= 0.9 && n429 === 0 });
  await sandbox.close();
  await redisLatency(url);
}

/** What sharing a rolling window through Redis adds to an idle call: the same client, in-process vs shared. */
async function redisLatency(url: string): Promise<void> {
  const srv = await bareServer();
  const options = { baseUrl: `${srv.url}/v1`, rateLimit: { default: { limit: 1_000_000, windowMs: 60_000 } } };
  const local = createCs2CapClient({ ...options, apiKey: 'sk_live_benchLocal0000000000' });
  const shared = createCs2CapClient({ ...options, apiKey: 'sk_live_benchShared000000000', redis: { url } });
  const [l, r] = await interleavedLatencies(() => local.getFxRates(), () => shared.getFxRates());
  const added = pct(r, 50) - pct(l, 50);
  rows.push({ name: 'a rolling window shared through Redis: latency of an idle call (p50), vs in-process', ours: ms(pct(r, 50)), anchor: ms(pct(l, 50)), ratio: `+${added.toFixed(3)} ms`, goal: '< 1 ms added on loopback', met: added < 1 });
  await Promise.all([local.close(), shared.close()]);
  await srv.close();
}

async function fanOut(): Promise<void> {
  const sb = await startSandbox();
  const market = createMarketClient({ env: sb.env });
  const item = 'AK-47 | Redline (Field-Tested)';
  await market.compare(item);
  const delay = 150;
  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    sb.cs2cap.server.server.inject({ kind: 'latency', path: '/v1/prices', delayMs: delay });
    sb.csboard.server.server.inject({ kind: 'latency', path: '/v1/prices', delayMs: delay });
    const t = performance.now();
    await fn();
    sb.cs2cap.server.server.clearFaults();
    sb.csboard.server.server.clearFaults();
    return performance.now() - t;
  };
  const slowest = Math.max(await time(() => market.cs2cap!.getQuotes(item)), await time(() => market.csboard!.getQuotes(item)));
  const all = await time(() => market.compare(item));
  rows.push({ name: 'comparison fan-out wall time vs the slowest provider', ours: ms(all), anchor: ms(slowest), ratio: `${(all / slowest).toFixed(2)}×`, goal: '≤ 1.1×', met: all / slowest <= 1.1 });
  await market.close();
  await sb.close();
}

/** A redis-server of the bench's own on a free port, or undefined when none is installed. */
async function startRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = 6390 + Math.floor(Math.random() * 500);
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    setTimeout(() => resolve(false), 400);
  });
  return failed ? undefined : { url: `redis://127.0.0.1:${port}`, child };
}

async function main(): Promise<void> {
  // The limiter's timers are unref()'d (a real call holds the process); the bench holds it here.
  const keepAlive = setInterval(() => undefined, 1000);
  process.stderr.write('bench: peers (bench/peers)…\n');
  await ensurePeers();
  const redis = await startRedis();
  const steps: [string, () => Promise<void>][] = [
    ['token buckets (1 process and through Redis)', () => bucketAccuracy(redis?.url)],
    ['call path CPU', callPath],
    ['queued calls', queuedHeap],
    ['snapshot', snapshot],
    ['CS2Cap bulk streams', cs2capStreams],
    ['import cost', importCost],
    ['signing', signing],
    ['key generation', keygenLoop],
    ['transport latency', overhead],
    ['rolling window', utilization],
    ['rolling window through Redis', () => utilizationRedis(redis?.url)],
    ['fan-out', fanOut],
    ['Kalshi live books', streaming],
  ];
  try {
    for (const [name, step] of steps) {
      process.stderr.write(`bench: ${name}…\n`);
      await step();
    }
  } finally {
    redis?.child.kill('SIGKILL');
    clearInterval(keepAlive);
  }
  const header = `| measure | ours | anchor (same run) | ratio | goal | met |\n|---|---|---|---|---|---|`;
  const lines = rows.map((r) => `| ${r.name} | ${r.ours} | ${r.anchor} | ${r.ratio} | ${r.goal} | ${r.met === undefined ? '—' : r.met ? 'yes' : 'no'} |`);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
  const table = [header, ...lines].join('\n');
  process.stdout.write(`\n${table}\n\n${machine}\n`);
  const stamp = new Date().toISOString();
  writeFileSync(
    fileURLToPath(new URL('../../bench/results.md', import.meta.url)),
    `# marketmux benchmark results\n\nRun ${stamp} on ${machine}.\nRegenerate with \`npm run bench\` (peers: \`bench/peers\`, installed on demand). Fingerprint ${createHash('sha1').update(table).digest('hex').slice(0, 8)}.\n\n${table}\n`,
  );
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
