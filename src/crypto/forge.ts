import { createRequire } from 'node:module';
import type forgeModule from 'node-forge';

let forge: typeof forgeModule | undefined;

/**
 * node-forge, loaded the first time it is needed (key generation, the `forge` signer), not
 * when marketmux is imported: native signing never touches it, and loading it costs ~30 ms
 * and ~10 MB. Synchronous (`require` of the CommonJS package) because `createPssSigner` is.
 */
export function loadForge(): typeof forgeModule {
  forge ??= createRequire(import.meta.url)('node-forge') as typeof forgeModule;
  return forge;
}
