import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createPssSigner,
  generateRsaKeyPair,
  kalshiSignatureMessage,
  loadPrivateKey,
  pemLabel,
  publicKeyPemOf,
  signKalshiRequest,
  ValidationError,
  verifyPss,
  writeSecretFile,
} from '../../src/index.js';
import { expectNoSecret } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'marketmux-keys-'));

/** Verify with forge too, so both engines are checked against both verifiers. */
function forgeVerifies(publicKeyPem: string, message: string, signature: string): boolean {
  const pub = forge.pki.publicKeyFromPem(publicKeyPem) as forge.pki.rsa.PublicKey;
  const md = forge.md.sha256.create();
  md.update(message, 'utf8');
  const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: 32 });
  return pub.verify(md.digest().getBytes(), forge.util.decode64(signature), pss);
}

describe('RSA keys and Kalshi signing', () => {
  let pkcs1: string;
  let pkcs8: string;
  let publicPem: string;
  beforeAll(async () => {
    ({ privateKeyPem: pkcs1, publicKeyPem: publicPem } = await generateRsaKeyPair({ bits: 2048 }));
    pkcs8 = loadPrivateKey({ pem: pkcs1 }).export({ type: 'pkcs8', format: 'pem' }).toString();
  });

  it('generates PKCS#1 by default, PKCS#8 on request, SPKI public keys', async () => {
    expect(pemLabel(pkcs1)).toBe('RSA PRIVATE KEY');
    expect(pemLabel(publicPem)).toBe('PUBLIC KEY');
    const p8 = await generateRsaKeyPair({ bits: 2048, format: 'pkcs8' });
    expect(pemLabel(p8.privateKeyPem)).toBe('PRIVATE KEY');
    expect(publicKeyPemOf(loadPrivateKey({ pem: p8.privateKeyPem }))).toBe(p8.publicKeyPem.replace(/\r\n/g, '\n'));
    expect(createPublicKey(publicPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('generation does not block the event loop (forge hands it to native crypto)', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const pair = await generateRsaKeyPair({ bits: 4096 });
    clearInterval(timer);
    expect(createPublicKey(pair.publicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(ticks).toBeGreaterThan(3);
  });

  it('the message is timestamp + METHOD + path, without the query', () => {
    expect(kalshiSignatureMessage(1703123456789, 'get', '/trade-api/v2/portfolio/orders?limit=5')).toBe('1703123456789GET/trade-api/v2/portfolio/orders');
    expect(() => kalshiSignatureMessage(1, 'GET', 'portfolio')).toThrow(ValidationError);
  });

  it('property: random methods, paths and queries verify with node:crypto and forge, for both engines and key formats', () => {
    const keys = [loadPrivateKey({ pem: pkcs1 }), loadPrivateKey({ pem: pkcs8 })];
    const signers = keys.flatMap((k) => [createPssSigner(k, 'native'), createPssSigner(k, 'forge')]);
    fc.assert(
      fc.property(
        fc.constantFrom('get', 'POST', 'delete', 'Put'),
        fc.array(fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/), { minLength: 1, maxLength: 5 }),
        fc.option(fc.stringMatching(/^[a-z=&0-9]{0,20}$/)),
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
        fc.nat(signers.length - 1),
        (method, segments, query, ts, which) => {
          const path = '/trade-api/v2/' + segments.join('/');
          const signer = signers[which]!;
          const headers = signKalshiRequest({ method, path: query === null ? path : `${path}?${query}`, privateKey: keys[which >> 1]!, keyId: 'kid', timestampMs: ts, signer: signer.engine });
          const expected = `${ts}${method.toUpperCase()}${path}`;
          expect(headers['KALSHI-ACCESS-TIMESTAMP']).toBe(String(ts));
          expect(headers['KALSHI-ACCESS-KEY']).toBe('kid');
          expect(Buffer.from(headers['KALSHI-ACCESS-SIGNATURE'], 'base64')).toHaveLength(256);
          expect(verifyPss(publicPem, expected, headers['KALSHI-ACCESS-SIGNATURE'])).toBe(true);
          expect(forgeVerifies(publicPem, expected, headers['KALSHI-ACCESS-SIGNATURE'])).toBe(true);
          expect(verifyPss(publicPem, expected + 'x', headers['KALSHI-ACCESS-SIGNATURE'])).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a sample verifies with the openssl CLI', () => {
    const msg = '1703123456789GET/trade-api/v2/portfolio/balance';
    const headers = signKalshiRequest({ method: 'GET', path: '/trade-api/v2/portfolio/balance', privateKey: pkcs1, timestampMs: 1703123456789 });
    writeFileSync(join(dir, 'pub.pem'), publicPem);
    writeFileSync(join(dir, 'msg'), msg);
    writeFileSync(join(dir, 'sig'), Buffer.from(headers['KALSHI-ACCESS-SIGNATURE'], 'base64'));
    const out = execFileSync('openssl', ['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-sigopt', 'rsa_mgf1_md:sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'msg')]).toString();
    expect(out).toMatch(/Verified OK/);
  });

  it('keys from openssl genpkey (PKCS#8) and genrsa -traditional (PKCS#1) both sign', () => {
    for (const args of [['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['genrsa', '-traditional', '2048']]) {
      const pem = execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const key = loadPrivateKey({ pem });
      const sig = createPssSigner(key).sign('m');
      expect(verifyPss(publicKeyPemOf(key), 'm', sig)).toBe(true);
    }
  });

  it('imports escaped newlines and files; refuses encrypted, public, truncated or garbage keys without printing them', () => {
    const escaped = pkcs1.trim().replace(/\n/g, '\\n');
    expect(loadPrivateKey({ pem: `"${escaped}"` }).asymmetricKeyType).toBe('rsa');
    writeFileSync(join(dir, 'k.pem'), pkcs8);
    expect(loadPrivateKey({ path: join(dir, 'k.pem') }).asymmetricKeyType).toBe('rsa');
    const { privateKey: encrypted } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const truncated = pkcs1.slice(0, pkcs1.length / 2);
    const cases: [string, RegExp][] = [
      [encrypted, /encrypted/],
      [publicPem, /PUBLIC KEY was given/],
      [truncated, /truncated/],
      ['not a key at all', /not PEM/],
      [pkcs1.split('\n').filter((_, i) => i !== 5).join('\n'), /could not be parsed/],
    ];
    for (const [pem, why] of cases) {
      let err: unknown;
      try {
        loadPrivateKey({ pem });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(why);
      expectNoSecret(err, (pem.split('\n')[1] ?? pem).slice(0, 40));
    }
    expect(() => loadPrivateKey({ path: join(dir, 'missing.pem') })).toThrow(/cannot read/);
  });

  it('key files are written 0600 and never overwritten', async () => {
    const path = join(dir, 'out.pem');
    await writeSecretFile(path, pkcs1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(writeSecretFile(path, 'other')).rejects.toThrow(/refusing to overwrite/);
    expect(readFileSync(path, 'utf8')).toBe(pkcs1);
  });
});
