/**
 * The promises a bot relies on, attacked the way a hostile reviewer did: real subprocesses
 * (does the process stay alive, exit by itself?), far-future Retry-After, close() under load,
 * writes whose answers are lost, aborts. Everything over loopback against the sandboxes.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ClientClosedError,
  createCs2CapClient,
  createCsboardClient,
  createKalshiClient,
  OutcomeUnknownError,
  RateLimitError,
  ValidationError,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
import { caught } from '../helpers.js';

const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

interface Exit {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run node with args; a process that does not exit by itself within `timeoutMs` is killed. */
function runNode(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<Exit> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...cleanEnv, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number; signal?: string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr, ms: Date.now() - started });
    });
  });
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const tooMany = (retryAfter: string) => ({ kind: 'status' as const, status: 429, body: { code: 'rate_limit_exceeded', detail: 'slow down' }, headers: { 'Retry-After': retryAfter } });

describe('hostile: the promises hold under attack', () => {
  let sb: Sandbox;
  let sbArg: string;
  beforeAll(async () => {
    sb = await startSandbox();
    sbArg = JSON.stringify({ cs2cap: sb.cs2cap, csboard: sb.csboard, kalshi: sb.kalshi }, (k, v: unknown) => (k === 'server' ? undefined : v));
  });
  afterAll(() => sb.close());

  describe('a process never stops in the middle of a call', () => {
    it.each([
      ['window', 3, 1_000],
      ['bucket', 3, 800],
      ['pause', 1, 900],
    ] as const)('a script whose last call waits (%s) finishes every call and exits 0 by itself', async (kind, calls, minWaitMs) => {
      if (kind === 'pause') sb.csboard.server.server.inject({ ...tooMany('1'), path: '/v1/balance' });
      const r = await runNode(['test/e2e/workers/wait-worker.mjs', kind, sbArg]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout.trim()) as { results: string[]; ms: number };
      expect(out.results).toEqual(Array.from({ length: calls }, () => 'ok'));
      // It really waited: the limit (or the pause) was reached and honoured.
      expect(out.ms).toBeGreaterThanOrEqual(minWaitMs);
    });

    it('an idle client that is never closed does not hold the process', async () => {
      const r = await runNode(['test/e2e/workers/wait-worker.mjs', 'idle', sbArg], {}, 15_000);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout.trim())).toMatchObject({ results: ['ok'] });
    });

    it('createMarketClient closes what it built when a later factory throws (REDIS_URL set)', async () => {
      // Nothing listens there: a client left open would retry the connection for ever.
      const env = { ...sb.env, REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, KALSHI_PRIVATE_KEY: 'not a key' };
      const r = await runNode(['test/e2e/workers/leak-worker.mjs', JSON.stringify(env)], {}, 15_000);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe('ValidationError');
    });

    it('marketmux snapshot stays alive while its retry waits for the snapshot slot (1 a minute)', async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'mm-snap-')), 'prices.ndjson');
      // The reset spends the minute's one snapshot start: the retry waits about a minute.
      sb.csboard.server.server.inject({ kind: 'reset-before', path: '/v1/prices/snapshot' });
      const child = spawn(process.execPath, [CLI, 'snapshot', '--out', out, '--force'], { env: { ...cleanEnv, ...sb.env }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const early = await Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 3_000))]);
      expect(early).toBe('alive');
      child.kill('SIGKILL');
      await exited;
    });

    it('marketmux listings --watch keeps polling through a 429', async () => {
      sb.csboard.server.server.inject({ ...tooMany('1'), path: '/v1/listings' });
      const before = sb.csboard.server.server.requests.filter((q) => q.path === '/v1/listings' && q.status === 200).length;
      const r = await runNode([CLI, 'listings', '--watch', '--every', '2', '--polls', '3', '--json'], sb.env);
      expect(r.code).toBe(0);
      const served = sb.csboard.server.server.requests.filter((q) => q.path === '/v1/listings' && q.status === 200).length - before;
      // The first page and three polls, all answered: the 429 was waited out, not an exit.
      expect(served).toBe(4);
    });
  });

  describe('a far-future Retry-After', () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    beforeAll(() => process.on('warning', onWarning));
    afterAll(() => process.off('warning', onWarning));

    it.each([['99999999'], ['Fri, 01 Jan 2100 00:00:00 GMT']])('Retry-After %s fails the calls at once, says how long, overflows no timer', async (retryAfter) => {
      const client = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl });
      const server = sb.csboard.server.server;
      server.inject({ ...tooMany(retryAfter), path: '/v1/balance' });
      const started = Date.now();
      const first = await caught(client.getBalance());
      expect(first).toBeInstanceOf(RateLimitError);
      const wait = (first as RateLimitError).retryAfterMs!;
      expect(wait).toBeGreaterThan(24 * 3_600_000); // days, as the server said (within a timer's range)
      expect(wait).toBeLessThanOrEqual(2 ** 31 - 1);
      // Every other call on the key is refused unsent for as long as the (capped) pause lasts.
      const before = server.requests.length;
      const second = await caught(client.listListings({ limit: 1 }));
      expect(second).toBeInstanceOf(RateLimitError);
      expect((second as RateLimitError).message).toMatch(/paused for another \d+ s/);
      expect(server.requests.length).toBe(before);
      expect(Date.now() - started).toBeLessThan(5_000);
      await client.close();
      await new Promise((r) => setTimeout(r, 20));
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    });

    it('a pause longer than the call may wait fails it; a shorter one is waited out', async () => {
      const server = sb.cs2cap.server.server;
      const impatient = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl, retry: { maxRetryTimeMs: 1_000 } });
      server.inject({ ...tooMany('3'), path: '/v1/fx' });
      const started = Date.now();
      expect(await caught(impatient.getFxRates())).toBeInstanceOf(RateLimitError);
      expect(Date.now() - started).toBeLessThan(2_500);
      await impatient.close();
      const patient = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl, retry: { maxRetryTimeMs: 10_000 } });
      server.inject({ ...tooMany('1'), path: '/v1/fx' });
      const t0 = Date.now();
      await patient.getFxRates();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      await patient.close();
    });
  });

  describe('close()', () => {
    it('rejects a call waiting out a pause at once, sends nothing after, and does not wait the pause', async () => {
      const server = sb.csboard.server.server;
      const client = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl });
      server.inject({ ...tooMany('5'), path: '/v1/balance' });
      const waiting = caught(client.getBalance());
      await new Promise((r) => setTimeout(r, 300));
      const before = server.requests.length;
      const t0 = Date.now();
      await client.close();
      const error = await waiting;
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(error).toBeInstanceOf(ClientClosedError);
      await new Promise((r) => setTimeout(r, 200));
      expect(server.requests.length).toBe(before);
      expect(await caught(client.getBalance())).toBeInstanceOf(ClientClosedError);
      expect(server.requests.length).toBe(before);
    });

    it('closing one of two clients on the same key leaves the other working and the closed one unable to send', async () => {
      const server = sb.csboard.server.server;
      const a = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl });
      const b = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl });
      await a.getBalance();
      await a.close();
      const before = server.requests.length;
      expect(await caught(a.getBalance())).toBeInstanceOf(ClientClosedError);
      expect(server.requests.length).toBe(before);
      await b.getBalance();
      expect(server.requests.length).toBe(before + 1);
      await b.close();
    });

    it('10,000 queued calls are all rejected by close() with ClientClosedError, none sent', async () => {
      const server = sb.cs2cap.server.server;
      const client = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl, maxQueued: 20_000, rateLimit: { default: { limit: 1, windowMs: 60_000 } } });
      await client.getFxRates();
      const before = server.requests.length;
      const queued = Array.from({ length: 10_000 }, () => client.getFxRates().then(() => 'sent', (e: unknown) => (e as Error).name));
      await new Promise((r) => setTimeout(r, 50));
      await client.close();
      const outcomes = await Promise.all(queued);
      expect(new Set(outcomes)).toEqual(new Set(['ClientClosedError']));
      expect(server.requests.length).toBe(before);
    });

    it('a write on the wire when the client closes is an OutcomeUnknownError with its key', async () => {
      const server = sb.csboard.server.server;
      const client = createCsboardClient({ apiKey: sb.csboard.tradingApiKey, baseUrl: sb.csboard.baseUrl, trading: true });
      await client.getBalance();
      server.inject({ kind: 'latency', delayMs: 1_000, path: '/v1/orders', method: 'POST' });
      const order = caught(client.placeOrder({ itemIds: ['itm_8840001'], maxPriceUsd: 1000, idempotencyKey: 'close-while-sending-1' }));
      await new Promise((r) => setTimeout(r, 300));
      await client.close();
      const error = await order;
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((error as OutcomeUnknownError).idempotencyKey).toBe('close-while-sending-1');
    });
  });

  describe('a write whose answer was lost says so', () => {
    it('an idempotent order whose retries all lost their answers is OutcomeUnknownError with its key, not retryable', async () => {
      const server = sb.csboard.server.server;
      const client = createCsboardClient({ apiKey: sb.csboard.tradingApiKey, baseUrl: sb.csboard.baseUrl, trading: true, retry: { retries: 2, minDelayMs: 1 } });
      await client.getBalance();
      server.inject({ kind: 'reset-after', path: '/v1/orders', method: 'POST', times: 3 });
      const ordersBefore = server.requests.filter((q) => q.method === 'POST' && q.path === '/v1/orders').length;
      const error = await caught(client.placeOrder({ itemIds: ['itm_8840002'], maxPriceUsd: 1000 }));
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      const e = error as OutcomeUnknownError;
      expect(e.retryable).toBe(false);
      expect(e.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.message).toContain(e.idempotencyKey);
      // Repeating with the same key buys nothing twice: the server replays its answer.
      const again = await client.placeOrder({ itemIds: ['itm_8840002'], maxPriceUsd: 1000, idempotencyKey: e.idempotencyKey });
      expect(again.idempotencyKey).toBe(e.idempotencyKey);
      const orders = server.requests.filter((q) => q.method === 'POST' && q.path === '/v1/orders');
      expect(orders.length - ordersBefore).toBe(4);
      await client.close();
    });

    it('an abort after the request was sent is an AbortedError that says so; before, that it was not', async () => {
      const server = sb.csboard.server.server;
      const client = createCsboardClient({ apiKey: sb.csboard.tradingApiKey, baseUrl: sb.csboard.baseUrl, trading: true });
      await client.getBalance();
      server.inject({ kind: 'latency', delayMs: 800, path: '/v1/orders', method: 'POST' });
      const controller = new AbortController();
      const pending = caught(client.placeOrder({ itemIds: ['itm_8840003'], maxPriceUsd: 1000, idempotencyKey: 'abort-after-send-1' }, { signal: controller.signal }));
      await new Promise((r) => setTimeout(r, 200));
      controller.abort(new Error('user gave up'));
      const sent = (await pending) as AbortedError;
      expect(sent).toBeInstanceOf(AbortedError);
      expect(sent.requestSent).toBe(true);
      expect(sent.idempotencyKey).toBe('abort-after-send-1');
      expect((sent.reason as Error).message).toBe('user gave up');
      const early = (await caught(client.getBalance({ signal: AbortSignal.abort() }))) as AbortedError;
      expect(early).toBeInstanceOf(AbortedError);
      expect(early.requestSent).toBe(false);
      await client.close();
    });

    it('an unsafe write whose 2xx body cannot be read is OutcomeUnknownError, not a shape error', async () => {
      const server = sb.cs2cap.server.server;
      const key = sb.cs2cap.server.createKey('pro');
      const client = createCs2CapClient({ apiKey: key, baseUrl: sb.cs2cap.baseUrl });
      server.inject({ kind: 'malformed', path: '/v1/account/key/reissue' });
      const error = await caught(client.reissueKey());
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      await client.close();
    });
  });

  describe('bad call options are refused before sending', () => {
    it.each([[-1], [0], [null], [2 ** 31], [1e10], [1.5], ['100']])('timeoutMs %s', async (timeoutMs) => {
      const server = sb.csboard.server.server;
      const client = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl });
      const before = server.requests.length;
      const error = await caught(client.getBalance({ timeoutMs } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(server.requests.length).toBe(before);
      await client.close();
    });

    it('a signal that is not an AbortSignal, and ids that would rewrite the path', async () => {
      const server = sb.csboard.server.server;
      const client = createCsboardClient({ apiKey: sb.csboard.tradingApiKey, baseUrl: sb.csboard.baseUrl, trading: true });
      const before = server.requests.length;
      expect(await caught(client.getBalance({ signal: { aborted: false } } as never))).toBeInstanceOf(ValidationError);
      for (const id of ['.', '..', 'a\uD800']) {
        expect(await caught(client.claimOrder(id))).toBeInstanceOf(ValidationError);
        expect(await caught(client.getOrder(id))).toBeInstanceOf(ValidationError);
      }
      expect(server.requests.length).toBe(before);
      const kalshi = createKalshiClient({ keyId: sb.kalshi.keyId, privateKeyPem: sb.kalshi.privateKeyPem, baseUrl: sb.kalshi.baseUrl });
      const kBefore = sb.kalshi.server.server.requests.length;
      expect(await caught(kalshi.cancelOrder('..'))).toBeInstanceOf(ValidationError);
      expect(await caught(kalshi.getMarket('.'))).toBeInstanceOf(ValidationError);
      expect(sb.kalshi.server.server.requests.length).toBe(kBefore);
      await Promise.all([client.close(), kalshi.close()]);
    });
  });
});
