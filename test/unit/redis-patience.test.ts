/**
 * Slow is not down (src/limits/redis-patience.ts): a failed command is tried again while the
 * connection is up, for a bounded time; a connection that is down fails at once. The real
 * Redis cases (a frozen server, a restart) are in test/cluster; these pin the rule itself.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { patiently, redisReady, withRedisTimeout } from '../../src/limits/redis-patience.js';

/** What the helpers use of an ioredis client: its status, its 'ready' event, PING. */
function fakeRedis(status: string): Redis & { status: string } {
  return Object.assign(new EventEmitter(), { status, ping: () => Promise.resolve('PONG') }) as unknown as Redis & { status: string };
}

const noPause = (): Promise<void> => Promise.resolve();

describe('patiently', () => {
  it('tries again while the connection is up, and answers what the first success answers', async () => {
    let tries = 0;
    const failures: unknown[] = [];
    const pauses: number[] = [];
    const answer = await patiently(
      fakeRedis('ready'),
      () => (++tries < 4 ? Promise.reject(new Error(`lost ${tries}`)) : Promise.resolve('granted')),
      { giveUpMs: 10_000, maxPauseMs: 100, pause: async (ms) => void pauses.push(ms), onFailure: (e) => failures.push(e) },
    );
    expect(answer).toBe('granted');
    expect(tries).toBe(4);
    expect(failures.map((e) => (e as Error).message)).toEqual(['lost 1', 'lost 2', 'lost 3']);
    // Doubling from 25 ms, capped.
    expect(pauses).toEqual([25, 50, 100]);
  });

  it('a connection that is down fails at the first failure, with that failure', async () => {
    let tries = 0;
    const failure = await patiently(fakeRedis('reconnecting'), () => Promise.reject(new Error(`down ${++tries}`)), { giveUpMs: 10_000, maxPauseMs: 100, pause: noPause }).catch((e: unknown) => e);
    expect((failure as Error).message).toBe('down 1');
    expect(tries).toBe(1);
  });

  it('gives up once failing for giveUpMs (the next pause counted), with the last failure', async () => {
    let tries = 0;
    const t0 = Date.now();
    const failure = await patiently(fakeRedis('ready'), () => Promise.reject(new Error(`slow ${++tries}`)), { giveUpMs: 300, maxPauseMs: 40 }).catch((e: unknown) => e);
    const took = Date.now() - t0;
    expect((failure as Error).message).toBe(`slow ${tries}`);
    expect(tries).toBeGreaterThan(2);
    expect(took).toBeLessThan(300 + 2_000); // generous: a loaded machine fires timers late
    expect(took).toBeGreaterThanOrEqual(300 - 40 - 5);
  });

  it('a pause that throws (a cancelled call) ends the tries with its error', async () => {
    let tries = 0;
    const stop = new Error('cancelled');
    const failure = await patiently(fakeRedis('ready'), () => Promise.reject(new Error(`lost ${++tries}`)), { giveUpMs: 10_000, maxPauseMs: 100, pause: () => Promise.reject(stop) }).catch((e: unknown) => e);
    expect(failure).toBe(stop);
    expect(tries).toBe(1);
  });
});

describe('redisReady and withRedisTimeout', () => {
  it('redisReady waits for the ready event, rejects after its time or on a signal', async () => {
    const client = fakeRedis('connecting');
    const waiting = redisReady(client, 5_000);
    client.status = 'ready';
    client.emit('ready');
    await expect(waiting).resolves.toBeUndefined();

    await expect(redisReady(fakeRedis('connecting'), 20)).rejects.toThrow('no answer from Redis in 20 ms');
    const stop = new AbortController();
    const stopped = redisReady(fakeRedis('connecting'), 5_000, stop.signal);
    stop.abort();
    await expect(stopped).rejects.toThrow('stopped while waiting for Redis');
  });

  it('withRedisTimeout answers a prompt command and rejects a slow one', async () => {
    await expect(withRedisTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withRedisTimeout(new Promise(() => undefined), 20)).rejects.toThrow('redis timeout');
  });
});

describe('a connection given up on', () => {
  const failing = (): Promise<never> => Promise.reject(new Error('silent'));
  /** A connection whose PING answers only once `answering` is set. */
  function silentRedis(): Redis & { status: string; answering: boolean; pings: number } {
    const client = Object.assign(fakeRedis('ready'), { answering: false, pings: 0 });
    Object.assign(client, { ping: () => (client.pings++, client.answering ? Promise.resolve('PONG') : new Promise(() => undefined)) });
    return client;
  }
  const until = async (done: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('refuses every call at once, without asking, until Redis answers a PING; then full patience is back', async () => {
    const client = silentRedis();
    await expect(patiently(client, failing, { giveUpMs: 60, maxPauseMs: 10 })).rejects.toThrow('silent');
    let asked = 0;
    const counted = (): Promise<never> => (asked++, failing());
    const t0 = Date.now();
    await expect(patiently(client, counted, { giveUpMs: 5_000, maxPauseMs: 10 })).rejects.toThrow('has not answered since');
    expect(asked).toBe(0);
    expect(Date.now() - t0).toBeLessThan(50);
    // One PING at a time while it is silent (the first never answers): no pile-up.
    await new Promise((r) => setTimeout(r, 400));
    expect(client.pings).toBe(1);
    await expect(patiently(client, counted, { giveUpMs: 5_000, maxPauseMs: 10 })).rejects.toThrow('has not answered since');
    expect(asked).toBe(0);
  });

  it('a PING answered ends the give-up', async () => {
    const client = silentRedis();
    client.answering = true;
    await expect(patiently(client, failing, { giveUpMs: 30, maxPauseMs: 10 })).rejects.toThrow('silent');
    await until(() => client.pings > 0);
    await new Promise((r) => setTimeout(r, 20));
    let tries = 0;
    await expect(patiently(client, () => (++tries < 3 ? failing() : Promise.resolve('ok')), { giveUpMs: 5_000, maxPauseMs: 10, pause: noPause })).resolves.toBe('ok');
    expect(tries).toBe(3);
  });

  it('a new connection (ready again) is asked at once', async () => {
    const client = silentRedis();
    await expect(patiently(client, failing, { giveUpMs: 30, maxPauseMs: 10 })).rejects.toThrow('silent');
    client.emit('ready');
    await expect(patiently(client, () => Promise.resolve(1), { giveUpMs: 5_000, maxPauseMs: 10 })).resolves.toBe(1);
  });
});

describe('a cancelled call', () => {
  it('stops trying at its next failure, and gives nothing up: the next call asks Redis', async () => {
    const client = fakeRedis('connecting');
    const stop = new AbortController();
    stop.abort();
    await expect(patiently(client, () => Promise.reject(new Error('stopped while waiting for Redis')), { giveUpMs: 5_000, maxPauseMs: 10, signal: stop.signal })).rejects.toThrow('stopped');
    client.status = 'ready';
    let asked = 0;
    await expect(patiently(client, () => (asked++, Promise.resolve('ok')), { giveUpMs: 5_000, maxPauseMs: 10 })).resolves.toBe('ok');
    expect(asked).toBe(1);
  });
});
