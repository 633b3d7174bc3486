/**
 * RSA key pairs and PEM handling: generation through node-forge (loaded on first use; it hands the work to
 * Node's native, asynchronous generator), import of PKCS#1 and PKCS#8 PEM into a cached
 * `KeyObject`. No error here ever contains key material.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type forgeModule from 'node-forge';
import { loadForge } from './forge.js';
import { ValidationError } from '../errors.js';

/** RSA modulus sizes. */
export type RsaKeyBits = 2048 | 3072 | 4096;
/** `pkcs1` (`RSA PRIVATE KEY`, what Kalshi hands out) or `pkcs8` (`PRIVATE KEY`). */
export type PrivateKeyFormat = 'pkcs1' | 'pkcs8';

/** A PEM key pair. */
export interface RsaKeyPair {
  /** PEM labelled `RSA PRIVATE KEY` (PKCS#1, the default) or `PRIVATE KEY` (PKCS#8). */
  privateKeyPem: string;
  /** SPKI: `-----BEGIN PUBLIC KEY-----`. */
  publicKeyPem: string;
}

const invalid = (message: string): ValidationError => new ValidationError({ provider: 'marketmux', message });

/** Generate a key pair without blocking the event loop. */
export async function generateRsaKeyPair(options: { bits?: RsaKeyBits; format?: PrivateKeyFormat } = {}): Promise<RsaKeyPair> {
  const bits = options.bits ?? 2048;
  if (![2048, 3072, 4096].includes(bits)) throw invalid('bits must be 2048, 3072 or 4096');
  const format = options.format ?? 'pkcs1';
  if (format !== 'pkcs1' && format !== 'pkcs8') throw invalid("format must be 'pkcs1' or 'pkcs8'");
  // With a callback and Node's crypto available, forge delegates to crypto.generateKeyPair
  // (native, off the main thread) instead of its pure-JS prime search.
  const forge = loadForge();
  const pair = await new Promise<forgeModule.pki.rsa.KeyPair>((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 }, (err, keys) => (err ? reject(err) : resolve(keys)));
  });
  const privateKeyPem =
    format === 'pkcs1'
      ? forge.pki.privateKeyToPem(pair.privateKey)
      : forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(pair.privateKey)));
  return { privateKeyPem, publicKeyPem: forge.pki.publicKeyToPem(pair.publicKey) };
}

/** PEM as env vars carry it: `\n` escaped, CRLF, surrounding quotes or spaces. */
export function normalizePem(text: string): string {
  let pem = text.trim();
  if ((pem.startsWith('"') && pem.endsWith('"')) || (pem.startsWith("'") && pem.endsWith("'"))) pem = pem.slice(1, -1);
  return pem.replace(/\\r\\n|\\n/g, '\n').replace(/\r\n/g, '\n').trim() + '\n';
}

/** The label of a PEM block (`RSA PRIVATE KEY`, `PRIVATE KEY`, `PUBLIC KEY`, …), if it is PEM. */
export function pemLabel(pem: string): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
}

/** Parse an unencrypted RSA private key (PKCS#1 or PKCS#8 PEM) once. */
export function loadPrivateKey(source: { pem: string } | { path: string }): KeyObject {
  let text: string;
  if ('path' in source) {
    try {
      text = readFileSync(source.path, 'utf8');
    } catch (error) {
      throw invalid(`cannot read the private key file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    text = source.pem;
  }
  if (typeof text !== 'string' || text.trim() === '') throw invalid('the private key is empty');
  const pem = normalizePem(text);
  const header = pemLabel(pem);
  if (!header) throw invalid('the private key is not PEM (no -----BEGIN …----- line)');
  if (header === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(pem)) throw invalid('the private key is encrypted; decrypt it first (no passphrase is accepted)');
  if (header === 'PUBLIC KEY' || header === 'RSA PUBLIC KEY' || header === 'CERTIFICATE') throw invalid(`a ${header} was given where a private key is needed`);
  if (header !== 'RSA PRIVATE KEY' && header !== 'PRIVATE KEY') throw invalid(`unsupported PEM type ${header}; expected RSA PRIVATE KEY (PKCS#1) or PRIVATE KEY (PKCS#8)`);
  if (!pem.includes(`-----END ${header}-----`)) throw invalid('the private key PEM is truncated (no END line)');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw invalid('the private key PEM could not be parsed (truncated or corrupt)');
  }
  if (key.asymmetricKeyType !== 'rsa') throw invalid(`expected an RSA key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** The SPKI public key PEM of a private key. */
export function publicKeyPemOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}
