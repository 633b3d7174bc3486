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
}

export const PSS_SALT_LENGTH = 32;

/** A signer over a parsed key: native by default. */
export function createPssSigner(privateKey: KeyObject, engine: SignerEngine = 'native'): PssSigner {
  if (engine === 'forge') {
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const forge = loadForge();
    const forgeKey = forge.pki.privateKeyFromPem(pem) as forgeModule.pki.rsa.PrivateKey;
    return {
      engine,
      sign(message) {
        const md = forge.md.sha256.create();
        md.update(message, 'utf8');
        // forge has no default salt length: without 32 it throws.
        const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: PSS_SALT_LENGTH });
        return forge.util.encode64(forgeKey.sign(md, pss));
      },
    };
  }
  return {
    engine,
    sign(message) {
      return sign('sha256', Buffer.from(message, 'utf8'), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH }).toString('base64');
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
