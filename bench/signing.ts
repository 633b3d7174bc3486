/**
 * Signing, against the peers: our native signer (a parsed KeyObject) vs the official
 * kalshi-typescript SDK's KalshiAuth (the PEM parsed on every call) and ccxt's rsa() in its
 * PSS mode (ccxt has no Kalshi exchange), p50 of up to 2000 each.
 */
import { createPssSigner, generateRsaKeyPair, loadPrivateKey } from '../src/index.js';
import { signKalshiRequest } from '../providers/kalshi/signing.js';
import { deadline, ms, pct, rows } from './lib.js';
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
}
