/**
 * Signing, against the peers: our native signer (a parsed KeyObject) vs the official
 * kalshi-typescript SDK's KalshiAuth (the PEM parsed on every call) and ccxt's rsa() in its
 * PSS mode (ccxt has no Kalshi exchange), p50 of up to 2000 each.
 */
import { createPssSigner, generateRsaKeyPair, loadPrivateKey } from '../src/index.js';
import { setPoolSigning, type PoolSigning } from '../src/crypto/pss-signer.js';
import { createKalshiClient } from '../providers/kalshi/client.js';
import { signKalshiRequest, signWith } from '../providers/kalshi/signing.js';
import { createTransport } from '../src/http/transport.js';
import { bodyServer, cpuPerCall, deadline, median, ms, pct, rows, runCalls, us } from './lib.js';
import { NOT_INSTALLED, peer, peerFile } from './peers.js';

const time = (fn: () => unknown, n: number): number => {
  const out: number[] = [];
  const more = deadline(10);
  for (let i = 0; i < n && more(); i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return pct(out, 50);
};

/** Signed calls per second and main-thread busy µs per call of `fn`, `inFlight` at once (bounded). */
async function signedRun(fn: () => Promise<unknown>, inFlight: number, total: number): Promise<{ perSecond: number; busyUs: number }> {
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const started = await runCalls(fn, inFlight, total, 8);
  const wall = performance.now() - t0;
  // The event loop's active time is the main thread's: a signature on the threadpool is not in it.
  const elu = performance.eventLoopUtilization(elu0);
  return { perSecond: started / (wall / 1000), busyUs: (elu.active * 1000) / started };
}

/** A loopback server answering a balance read, and a client for it whose limits never wait. */
async function balanceServer(pem: string): Promise<{ base: string; client: ReturnType<typeof createKalshiClient>; close(): Promise<void> }> {
  const srv = await bodyServer(JSON.stringify({ balance: 100, balance_dollars: '1.00', portfolio_value: 0, updated_ts: 1 }));
  const base = `${srv.url}/trade-api/v2`;
  const client = createKalshiClient({ keyId: 'bench-key-id', privateKeyPem: pem, baseUrl: base, rateLimit: { read: { capacity: 1e9, refillPerSecond: 1e9 } } });
  return {
    base,
    client,
    close: async () => {
      await client.close();
      await srv.close();
    },
  };
}

/**
 * Signed Kalshi calls (RSA-2048) through the whole client at 1 and 16 in flight: signing at
 * once (sync), always on the threadpool (pool), and as shipped (auto: at once when idle, the
 * pool when several calls are on their way). Interleaved, median of 5 repeats each.
 */
export async function signedCalls(privateKeyPem?: string): Promise<void> {
  const pem = privateKeyPem ?? (await generateRsaKeyPair({ bits: 2048 })).privateKeyPem;
  const balance = await balanceServer(pem);
  const call = (): Promise<unknown> => balance.client.getBalance();
  const modes: PoolSigning[] = ['sync', 'pool', 'auto'];
  try {
    for (const inFlight of [1, 16]) {
      const total = inFlight === 1 ? 800 : 2000;
      const got: Record<PoolSigning, { perSecond: number[]; busyUs: number[] }> = { sync: { perSecond: [], busyUs: [] }, pool: { perSecond: [], busyUs: [] }, auto: { perSecond: [], busyUs: [] } };
      for (const mode of modes) {
        setPoolSigning(mode);
        await signedRun(call, inFlight, 200);
      }
      for (let r = 0; r < 5; r++) {
        for (const mode of modes) {
          setPoolSigning(mode);
          const one = await signedRun(call, inFlight, total);
          got[mode].perSecond.push(one.perSecond);
          got[mode].busyUs.push(one.busyUs);
        }
      }
      const m = (mode: PoolSigning): { perSecond: number; busyUs: number } => ({ perSecond: median(got[mode].perSecond), busyUs: median(got[mode].busyUs) });
      const [sync, pool, auto] = [m('sync'), m('pool'), m('auto')];
      const show = (v: { perSecond: number; busyUs: number }): string => `${v.perSecond.toFixed(0)}/s, ${v.busyUs.toFixed(0)} µs main thread`;
      const met = inFlight === 1 ? auto.perSecond >= 0.9 * sync.perSecond : auto.perSecond >= sync.perSecond && auto.busyUs < sync.busyUs;
      rows.push({
        name: `signed Kalshi calls (RSA-2048), ${inFlight} in flight: calls per second and main-thread busy time per call — auto (ours) vs signing at once vs always on the threadpool`,
        ours: `auto ${show(auto)}`,
        anchor: `sync ${show(sync)}; pool ${show(pool)}`,
        ratio: `${(auto.perSecond / sync.perSecond).toFixed(2)}× the calls/s of sync, ${(auto.busyUs / sync.busyUs).toFixed(2)}× its main-thread time`,
        goal: inFlight === 1 ? 'idle: as fast as sync (no hand-off)' : 'busy: more calls/s than sync, less main-thread time',
        met,
      });
    }
  } finally {
    setPoolSigning('auto');
    await balance.close();
  }
}

export async function signing(): Promise<void> {
  const { privateKeyPem } = await generateRsaKeyPair({ bits: 2048 });
  const key = loadPrivateKey({ pem: privateKeyPem });
  const native = createPssSigner(key, 'native');
  const path = '/trade-api/v2/portfolio/balance';
  const ours = time(() => native.sign(`${Date.now()}GET${path}`), 2000);
  const perCall = time(() => signKalshiRequest({ method: 'GET', path, privateKey: privateKeyPem }), 500);
  const sdk = await peer<{ KalshiAuth: new (id: string, pem: string) => { generateAuthHeaders(m: string, p: string): unknown } }>('kalshi-typescript/dist/auth.js');
  const ccxt = await peerFile<{ rsa: (request: string, secret: string, hash: unknown, padding?: string) => string }>('ccxt/js/src/base/functions/rsa.js');
  const sdkMs = sdk ? time(() => new sdk.KalshiAuth('key-id', privateKeyPem).generateAuthHeaders('GET', path), 500) : undefined;
  // ccxt names the hash by its class; its PSS path goes to node:crypto with the PEM.
  const sha256 = { create: () => new (class SHA256 {})() };
  const ccxtMs = ccxt ? time(() => ccxt.rsa(`${Date.now()}GET${path}`, privateKeyPem, sha256, 'pss'), 500) : undefined;
  const forge = createPssSigner(key, 'forge');
  const forgeMs = time(() => forge.sign(`${Date.now()}GET${path}`), 40);
  rows.push({ name: 'signing p50 (RSA-2048 PSS): our native KeyObject signer vs the kalshi-typescript SDK', ours: ms(ours), anchor: sdkMs === undefined ? NOT_INSTALLED : ms(sdkMs), ratio: sdkMs === undefined ? '—' : `${(sdkMs / ours).toFixed(1)}× faster`, goal: '< 1 ms, ≤ the SDK', met: ours < 1 && (sdkMs === undefined || ours <= sdkMs) });
  rows.push({ name: 'signing p50: ours vs ccxt rsa() in PSS mode (the PEM parsed per call)', ours: ms(ours), anchor: ccxtMs === undefined ? NOT_INSTALLED : ms(ccxtMs), ratio: ccxtMs === undefined ? '—' : `${(ccxtMs / ours).toFixed(1)}× faster`, goal: '< 1 ms', met: ours < 1 });
  rows.push({ name: 'signing p50: ours vs signKalshiRequest with the PEM parsed per call, vs node-forge', ours: ms(ours), anchor: `${ms(perCall)} / forge ${ms(forgeMs)}`, ratio: `${(perCall / ours).toFixed(1)}× / ${(forgeMs / ours).toFixed(0)}× faster`, goal: '< 1 ms', met: ours < 1 });
  await signedCalls(privateKeyPem);
  await signedCallCpu(privateKeyPem);
}

/** The official SDK's two classes a balance read needs. */
interface KalshiSdk {
  Configuration: new (p: { apiKey: string; privateKeyPem: string; basePath: string }) => unknown;
  PortfolioApi: new (configuration: unknown) => { getBalance(): Promise<unknown> };
}

/**
 * CPU per signed Kalshi call (a balance read, RSA-2048, 16 in flight): the whole client (limits,
 * validation, events, signing as shipped) vs the official kalshi-typescript SDK's PortfolioApi,
 * and vs its own axios transport called bare with a signature from a key parsed once. The
 * server is another process, so process.cpuUsage() is the caller's alone (signing on the
 * threadpool included). Interleaved, median of 5 repeats.
 */
async function signedCallCpu(pem: string): Promise<void> {
  const balance = await balanceServer(pem);
  const { base } = balance;
  const path = '/trade-api/v2/portfolio/balance';
  const transport = createTransport({ baseUrl: base });
  const bareAxios = await transport.instance();
  const signer = createPssSigner(loadPrivateKey({ pem }), 'native');
  const bare = (): Promise<unknown> =>
    bareAxios.get('/portfolio/balance', { headers: { ...signWith(signer, 'bench-key-id', 'GET', path, Date.now()) }, responseType: 'text', transformResponse: (d: unknown) => d });
  const ours = (): Promise<unknown> => balance.client.getBalance();
  const sdkModule = await peer<KalshiSdk>('kalshi-typescript');
  const sdkApi = sdkModule ? new sdkModule.PortfolioApi(new sdkModule.Configuration({ apiKey: 'bench-key-id', privateKeyPem: pem, basePath: base })) : undefined;
  const sdk = sdkApi ? (): Promise<unknown> => sdkApi.getBalance() : undefined;
  const variants = { ours, bare, ...(sdk ? { sdk } : {}) };
  const got: Record<string, number[]> = { ours: [], bare: [], sdk: [] };
  try {
    for (const fn of Object.values(variants)) await cpuPerCall(fn, 16, 200);
    for (let r = 0; r < 5; r++) for (const [name, fn] of Object.entries(variants)) got[name]!.push(await cpuPerCall(fn, 16, 1500));
  } finally {
    transport.close();
    await balance.close();
  }
  const [o, a] = [median(got.ours!), median(got.bare!)];
  const s = got.sdk!.length ? median(got.sdk!) : undefined;
  rows.push({
    name: 'signed Kalshi call (balance read, RSA-2048, 16 in flight): CPU per call, ours vs the kalshi-typescript SDK',
    ours: us(o),
    anchor: s === undefined ? NOT_INSTALLED : us(s),
    ratio: s === undefined ? '—' : `${(s / o).toFixed(1)}× less CPU`,
    goal: 'less CPU than the SDK',
    met: s === undefined || o < s,
  });
  rows.push({
    name: 'signed Kalshi call (balance read, RSA-2048, 16 in flight): CPU per call, ours vs its own axios transport with a key parsed once',
    ours: us(o),
    anchor: us(a),
    ratio: `${(o / a).toFixed(2)}×`,
    goal: '≤ 1.2× (as the call path)',
    met: o / a <= 1.2,
  });
}
