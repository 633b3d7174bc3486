/**
 * RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt, base64 out. The native signer
 * uses a cached `KeyObject`; the forge signer exists for comparison and for platforms
 * without node:crypto, and is slow (pure JS, blocks the event loop).
 */
import { constants, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type forgeModule from 'node-forge';
import { loadForge } from './forge.js';

/** `native` (node:crypto) or `forge` (node-forge, pure JS). */
export type SignerEngine = 'native' | 'forge';

/** Signs messages with one private key. */
export interface PssSigner {
  readonly engine: SignerEngine;
  /** base64 signature of the UTF-8 message. */
  sign(message: string): string;
  /**
   * The same signature, made where it costs the caller least: at once when `inFlight` ≤ 1 and
   * nothing else is being signed (an idle client: no thread hand-off on its latency), else on
   * libuv's threadpool (the main thread holds ~9 µs instead of the whole signature).
   */
  signFor(message: string, inFlight: number): string | Promise<string>;
}

/**
 * Where `signFor` signs: `auto` (as described there), `sync` (always at once), `pool` (always
 * on the threadpool). For benchmarks and tests that compare the two; `auto` is the default.
 */
export type PoolSigning = 'auto' | 'sync' | 'pool';
let poolSigning: PoolSigning = 'auto';

/** Set where every native signer's `signFor` signs (benchmarks and tests; see `PoolSigning`). */
export function setPoolSigning(mode: PoolSigning): void {
  poolSigning = mode;
}

export const PSS_SALT_LENGTH = 32;

/** A signer over a parsed key: native by default. */
export function createPssSigner(privateKey: KeyObject, engine: SignerEngine = 'native'): PssSigner {
  if (engine === 'forge') {
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const forge = loadForge();
    const forgeKey = forge.pki.privateKeyFromPem(pem) as forgeModule.pki.rsa.PrivateKey;
    const signer: PssSigner = {
      engine,
      sign(message) {
        const md = forge.md.sha256.create();
        md.update(message, 'utf8');
        // forge has no default salt length: without 32 it throws.
        const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: PSS_SALT_LENGTH });
        return forge.util.encode64(forgeKey.sign(md, pss));
      },
      // Pure JS: there is no thread to hand it to.
      signFor: (message) => signer.sign(message),
    };
    return signer;
  }
  const keyInput = { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH };
  /** Signatures on the threadpool not yet back. */
  let pending = 0;
  const signNow = (message: string): string => sign('sha256', Buffer.from(message, 'utf8'), keyInput).toString('base64');
  const signOnPool = (message: string): Promise<string> => {
    pending += 1;
    return new Promise<string>((resolve, reject) => {
      sign('sha256', Buffer.from(message, 'utf8'), keyInput, (error, signature) => {
        pending -= 1;
        if (error) reject(error);
        else resolve(signature.toString('base64'));
      });
    });
  };
  return {
    engine,
    sign: signNow,
    signFor(message, inFlight) {
      const pool = poolSigning === 'auto' ? inFlight > 1 || pending > 0 : poolSigning === 'pool';
      return pool ? signOnPool(message) : signNow(message);
    },
  };
}

/** Verify a PSS signature (the sandbox and tests use it). */
export function verifyPss(publicKey: KeyObject | string, message: string, signatureBase64: string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH }, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
