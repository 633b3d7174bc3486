import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientClosedError } from '../../src/errors.js';
import { createPssSigner, setPoolSigning, verifyPss } from '../../src/crypto/pss-signer.js';
import { generateRsaKeyPair, loadPrivateKey } from '../../src/index.js';
import { PauseGate } from '../../src/limits/pause-gate.js';
import { QueuedCall, QuotaLimiter } from '../../src/limits/quota-limiter.js';
import { createKalshiClient } from '../../providers/kalshi/client.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

/** A call that waits in the line itself, recording what the limiter told it. */
class TestCall extends QueuedCall<string> {
  outcome: { ok: boolean; value: unknown } | undefined;
  constructor(
    readonly name: string,
    readonly log: string[],
    readonly onSend: () => void = () => undefined,
  ) {
    super();
  }
  sendAdmitted(): Promise<string> {
    this.log.push(`send ${this.name}`);
    this.onSend();
    return Promise.resolve(this.name);
  }
  ran(value: string): void {
    this.outcome = { ok: true, value };
  }
  failed(error: unknown): void {
    this.outcome = { ok: false, value: error };
  }
}

const limiterOf = (spec: ConstructorParameters<typeof QuotaLimiter>[0]['spec']): QuotaLimiter =>
  new QuotaLimiter({ provider: 'test', limitClass: 'default', spec, gate: new PauseGate() });
const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a call queued as one object (QueuedCall)', () => {
  it('waits in FIFO order, leaves at once when aborted, and hears close() as ClientClosedError', async () => {
    const limiter = limiterOf({ limit: 1, windowMs: 3_600_000 });
    const log: string[] = [];
    const calls = ['a', 'b', 'c', 'd'].map((n) => new TestCall(n, log));
    for (const c of calls) limiter.submit(c, 1);
    await tick();
    expect(log).toEqual(['send a']);
    expect(limiter.queued()).toBe(3);
    calls[2]!.abort('gone');
    expect(limiter.queued()).toBe(2);
    expect(calls[2]!.outcome).toEqual({ ok: false, value: 'gone' });
    await limiter.close();
    expect(calls[1]!.outcome?.value).toBeInstanceOf(ClientClosedError);
    expect(calls[3]!.outcome?.value).toBeInstanceOf(ClientClosedError);
    expect(log).toEqual(['send a']);
  });

  it('a line retired by a new kind of limit sends its queued calls to the new line, in order', async () => {
    const limiter = limiterOf({ limit: 1, windowMs: 3_600_000 });
    const log: string[] = [];
    const calls = ['a', 'b', 'c'].map((n) => new TestCall(n, log));
    for (const c of calls) limiter.submit(c, 1);
    await tick();
    expect(log).toEqual(['send a']);
    await limiter.updateSpec({ capacity: 10, refillPerSecond: 10 });
    await tick(20);
    expect(log).toEqual(['send a', 'send b', 'send c']);
    expect(calls.map((c) => c.outcome?.value)).toEqual(['a', 'b', 'c']);
    await limiter.close();
  });

  it('a send that starts another call at once (a listener calling the client) queues it behind those already waiting', async () => {
    const limiter = limiterOf({ limit: 2, windowMs: 40 });
    const log: string[] = [];
    for (const n of ['h1', 'h2']) limiter.submit(new TestCall(n, log), 1);
    const late = new TestCall('late', log);
    const first = new TestCall('first', log, () => limiter.submit(late, 1));
    const second = new TestCall('second', log);
    limiter.submit(first, 1);
    limiter.submit(second, 1);
    expect(limiter.queued()).toBe(2);
    // The window frees both slots at once: the line admits `first`, whose send queues `late`
    // while the line is still admitting; `second` arrived earlier and goes first.
    for (let i = 0; i < 100 && !late.outcome; i++) await tick(10);
    expect(log).toEqual(['send h1', 'send h2', 'send first', 'send second', 'send late']);
    await limiter.close();
  });
});

describe('Kalshi signatures on the threadpool', () => {
  let pem = '';
  beforeAll(async () => {
    pem = (await generateRsaKeyPair({ bits: 2048 })).privateKeyPem;
  });
  afterEach(() => setPoolSigning('auto'));

  it('signFor signs at once when idle and on the pool when others are in flight; both verify', async () => {
    const key = loadPrivateKey({ pem });
    const signer = createPssSigner(key);
    const idle = signer.signFor('1GET/x', 1);
    expect(typeof idle).toBe('string');
    const busy = signer.signFor('1GET/x', 2);
    expect(busy).toBeInstanceOf(Promise);
    // While one is on the pool, the next goes there too, even at 1 in flight.
    const queued = signer.signFor('2GET/y', 1);
    expect(queued).toBeInstanceOf(Promise);
    const { createPublicKey } = await import('node:crypto');
    const pub = createPublicKey(key);
    expect(verifyPss(pub, '1GET/x', idle as string)).toBe(true);
    expect(verifyPss(pub, '1GET/x', await busy)).toBe(true);
    expect(verifyPss(pub, '2GET/y', await queued)).toBe(true);
    setPoolSigning('sync');
    expect(typeof signer.signFor('3GET/z', 16)).toBe('string');
  });

  describe('through the client', () => {
    let client: ReturnType<typeof createKalshiClient> | undefined;
    offlineWireTests(() => client);

    it('calls signed on the pool carry valid signatures; close() while they are signed sends nothing', async () => {
      const key = loadPrivateKey({ pem });
      const { createPublicKey } = await import('node:crypto');
      const pub = createPublicKey(key);
      client = createKalshiClient({ keyId: 'key-id-test', privateKeyPem: pem, baseUrl: 'http://kalshi.test/trade-api/v2' });
      const seen: boolean[] = [];
      nock('http://kalshi.test')
        .get('/trade-api/v2/portfolio/balance')
        .times(4)
        .reply(function () {
          const h = this.req.headers;
          seen.push(verifyPss(pub, `${String(h['kalshi-access-timestamp'])}GET/trade-api/v2/portfolio/balance`, String(h['kalshi-access-signature'])));
          return [200, { balance: 100, balance_dollars: '1.0000', portfolio_value: 0, updated_ts: 1 }];
        });
      setPoolSigning('pool');
      const got = await Promise.all(Array.from({ length: 4 }, () => client!.getBalance()));
      expect(got.map((b) => b.balance)).toEqual([100, 100, 100, 100]);
      expect(seen).toEqual([true, true, true, true]);

      // Closed while their signatures are on the pool: refused, never sent (no mock is left to hit).
      const signing = Array.from({ length: 3 }, () => caught(client!.getBalance()));
      const closing = client.close();
      for (const e of await Promise.all(signing)) expect(e).toBeInstanceOf(ClientClosedError);
      await closing;
      client = undefined;
    });
  });
});
