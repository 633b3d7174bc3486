/**
 * Contract: every answer the Kalshi sandbox gives, for every operation and each status it can
 * give, validates against reference/kalshi-openapi.yaml's response schema for that status
 * (kalshi-spec.ts lists the exceptions kalshi.md documents), and every request the client
 * sends validates against the spec's parameters and body. One sandbox, two funded users and
 * an anonymous client; every scenario in `kalshi-scenarios/` (one per area) drives its
 * operations; then every operation the client serves must have been answered with a 2xx.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRsaKeyPair } from '../../src/crypto/rsa-keys.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KALSHI_CLIENT_OPERATIONS } from '../../providers/kalshi/operation-map.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { signKalshiRequest } from '../../providers/kalshi/signing.js';
import { answerProblems, kalshiOperationOf, requestProblems } from './kalshi-spec.js';
import type { KalshiScenario, KalshiScenarioContext } from './kalshi-scenarios/types.js';

/** Marks a request sent by `raw` (deliberately off-spec at times): its answer is checked, the request not. */
const RAW = 'x-contract-raw';
const SCENARIOS = resolve(import.meta.dirname, 'kalshi-scenarios');
/** The sandbox's write bucket: a batch of more than 200 creates (10 tokens each) cannot fit and gets its 429. */
const WRITE_BUCKET = { capacity: 2_000, refillPerSecond: 2_000 };
const READ_BUCKET = { capacity: 100_000, refillPerSecond: 100_000 };

interface Answer {
  readonly op: string;
  readonly status: number;
  readonly raw: boolean;
  readonly problems: string[];
}

describe('kalshi contract: sandbox answers and client requests against the spec', () => {
  let sandbox: KalshiSandbox;
  let ctx: KalshiScenarioContext;
  const clients: KalshiClient[] = [];
  const answers: Answer[] = [];
  const requestIssues: string[] = [];

  beforeAll(async () => {
    sandbox = new KalshiSandbox({ read: READ_BUCKET, write: WRITE_BUCKET });
    const baseUrl = await sandbox.start();
    sandbox.observe((req, res) => {
      try {
        const raw = req.headers[RAW] !== undefined;
        const found = kalshiOperationOf(req.method, req.path);
        // What went over the wire: undefined fields dropped, as JSON.
        const body = res.body === undefined || res.status === 204 ? undefined : (JSON.parse(JSON.stringify(res.body)) as unknown);
        answers.push({ op: found?.id ?? `${req.method} ${req.path}`, status: res.status, raw, problems: answerProblems({ method: req.method, path: req.path, status: res.status, body }) });
        if (!raw) requestProblems(req).forEach((p) => requestIssues.push(p));
      } catch (error) {
        requestIssues.push(`${req.method} ${req.path}: the validator failed: ${String(error)}`);
      }
    });
    const [a, b] = await Promise.all([sandbox.createUser({ balanceUsd: 1000 }), sandbox.createUser({ balanceUsd: 1000 })]);
    const make = (user?: { keyId: string; privateKeyPem: string }): KalshiClient => {
      const c = createKalshiClient({
        baseUrl,
        ...(user ? { keyId: user.keyId, privateKeyPem: user.privateKeyPem } : {}),
        retry: { retries: 0 },
        rateLimit: { read: READ_BUCKET, write: WRITE_BUCKET },
      });
      clients.push(c);
      return c;
    };
    // raw() signs with keys of its own (same users), so its requests never drain the clients' buckets.
    const rawKeys = { a: await rawKey(a.userId), b: await rawKey(b.userId) };
    const origin = new URL(baseUrl).origin;
    ctx = {
      sandbox,
      baseUrl,
      client: make(a),
      other: make(b),
      anon: make(),
      async raw(method, path, options = {}) {
        const full = new URL(baseUrl + path);
        const as = options.as ?? 'a';
        const headers: Record<string, string> = { [RAW]: '1' };
        if (options.body !== undefined) headers['Content-Type'] = 'application/json';
        if (as !== 'none') Object.assign(headers, signKalshiRequest({ method, path: full.pathname, privateKey: rawKeys[as].privateKeyPem, keyId: rawKeys[as].keyId }));
        const res = await fetch(`${origin}${full.pathname}${full.search}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
        await res.arrayBuffer();
        return res.status;
      },
    };
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox?.close();
  });

  async function rawKey(userId: string): Promise<{ keyId: string; privateKeyPem: string }> {
    const pair = await generateRsaKeyPair({ bits: 2048 });
    return { keyId: sandbox.registerKey(sandbox.users.get(userId)!, 'contract-raw', pair.publicKeyPem), privateKeyPem: pair.privateKeyPem };
  }

  it('every scenario runs; every answer and request validates; every served operation answered 2xx', async () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.ts') && f !== 'types.ts').sort();
    expect(files).toContain('core.ts');
    for (const file of files) {
      const { scenario } = (await import(pathToFileURL(resolve(SCENARIOS, file)).href)) as { scenario: KalshiScenario };
      expect(scenario?.name, `${file} exports a scenario`).toBeTruthy();
      await scenario.run(ctx);
    }

    expect(answers.flatMap((a) => a.problems)).toEqual([]);
    expect(requestIssues).toEqual([]);

    const ok = new Set(answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.op));
    const missing = Object.keys(KALSHI_CLIENT_OPERATIONS).filter((id) => !ok.has(id));
    expect(missing, 'served operations never answered with a 2xx').toEqual([]);
    const statuses = new Set(answers.map((a) => a.status));
    for (const s of [200, 201, 204, 400, 401, 404, 409, 429]) expect(statuses.has(s), `status ${s} seen`).toBe(true);
    expect(answers.filter((a) => !a.raw).length).toBeGreaterThan(80);
  }, 25_000);

  it('the validator is not vacuous: shapes the sandbox used to send fail it', () => {
    // A Market without its required fields, a created order with average_fill_price null, a batch-cancel item without reduced_by.
    expect(answerProblems({ method: 'GET', path: '/trade-api/v2/markets/X', status: 200, body: { market: { ticker: 'X', event_ticker: 'E', status: 'active' } } }).join()).toContain('market_type');
    expect(answerProblems({ method: 'POST', path: '/trade-api/v2/portfolio/events/orders', status: 201, body: { order_id: 'o', fill_count: '0.00', remaining_count: '1.00', average_fill_price: null, ts_ms: 1 } }).join()).toContain('average_fill_price');
    expect(answerProblems({ method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/batched', status: 200, body: { orders: [{ order_id: 'o', error: { code: 'not_found' } }] } }).join()).toContain('reduced_by');
    expect(answerProblems({ method: 'GET', path: '/trade-api/v2/exchange/status', status: 418, body: {} }).join()).toContain('does not list status 418');
    expect(answerProblems({ method: 'DELETE', path: '/trade-api/v2/api_keys/k', status: 204, body: { x: 1 } }).join()).toContain('no body');
    // A literal path wins over a template one.
    expect(kalshiOperationOf('GET', '/trade-api/v2/markets/orderbooks')?.id).toBe('GetMarketOrderbooks');
    expect(kalshiOperationOf('GET', '/trade-api/v2/markets/KX-1')).toEqual({ id: 'GetMarket', params: { ticker: 'KX-1' } });

    expect(requestProblems({ method: 'GET', path: '/trade-api/v2/markets', query: new URLSearchParams('colour=red'), body: undefined }).join()).toContain('colour');
    expect(requestProblems({ method: 'GET', path: '/trade-api/v2/markets', query: new URLSearchParams('limit=abc'), body: undefined })).not.toEqual([]);
    expect(requestProblems({ method: 'POST', path: '/trade-api/v2/portfolio/events/orders', query: new URLSearchParams(), body: { ticker: 'X', side: 'buy', count: '1', price: '0.5' } })).not.toEqual([]);
    expect(requestProblems({ method: 'POST', path: '/trade-api/v2/portfolio/events/orders', query: new URLSearchParams(), body: { ticker: 'X', side: 'bid', count: '1', price: '0.50', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker' } })).toEqual([]);
  });
});
