/**
 * The peers marketmux is measured against live in bench/peers (their own package.json with
 * pinned versions), installed on demand with `npm install --prefix bench/peers`. A peer that
 * cannot be installed (no registry) is reported as "not installed"; the bench goes on.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** bench/peers in the source tree (the bench runs from dist/bench). */
export const PEERS_DIR = fileURLToPath(new URL('../../bench/peers/', import.meta.url));
let installed: Promise<boolean> | undefined;

/** Install the peers once per run (skipped when they are there); false when that failed. */
export function ensurePeers(): Promise<boolean> {
  installed ??= (async () => {
    const names = ['bottleneck', 'ccxt', 'kalshi-typescript'];
    if (names.every((n) => existsSync(`${PEERS_DIR}node_modules/${n}/package.json`))) return true;
    try {
      await promisify(execFile)('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--ignore-scripts'], { timeout: 180_000 });
      return names.every((n) => existsSync(`${PEERS_DIR}node_modules/${n}/package.json`));
    } catch (error) {
      process.stderr.write(`bench: peers not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})\n`);
      return false;
    }
  })();
  return installed;
}

/** A peer's module (CommonJS), or undefined when it is not installed. */
export async function peer<T>(name: string): Promise<T | undefined> {
  if (!(await ensurePeers())) return undefined;
  try {
    return createRequire(PEERS_DIR)(name) as T;
  } catch {
    return undefined;
  }
}

export const NOT_INSTALLED = 'not installed (registry unreachable)';

/** One ES module file of an installed peer (ccxt is ESM; its whole entry point is 100+ exchanges). */
export async function peerFile<T>(path: string): Promise<T | undefined> {
  if (!(await ensurePeers())) return undefined;
  try {
    return (await import(pathToFileURL(`${PEERS_DIR}node_modules/${path}`).href)) as T;
  } catch {
    return undefined;
  }
}
