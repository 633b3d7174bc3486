/**
 * `marketmux/testkit`: the sandbox servers, for testing bots without keys or network.
 * This entry composes the providers' sandboxes; the core never imports them.
 */
import { Cs2CapSandbox, type Cs2CapSandboxOptions } from '../../providers/cs2cap/sandbox.js';

export { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
export { SandboxServer, type Fault, type FaultKind, type LoggedRequest } from './server.js';

export interface SandboxOptions {
  cs2cap?: Cs2CapSandboxOptions;
}

export interface Sandbox {
  readonly cs2cap: { readonly baseUrl: string; readonly apiKey: string; readonly server: Cs2CapSandbox };
  /** The environment variables the CLI and `createMarketClient()` read. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** Start every sandbox on 127.0.0.1 ephemeral ports, with ready-made credentials. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const cs2cap = new Cs2CapSandbox(options.cs2cap);
  const cs2capUrl = await cs2cap.start();
  const cs2capKey = cs2cap.createKey('quant');
  return {
    cs2cap: { baseUrl: cs2capUrl, apiKey: cs2capKey, server: cs2cap },
    env: { CS2C_API_BASE: cs2capUrl, CS2C_API_KEY: cs2capKey },
    async close() {
      await cs2cap.close();
    },
  };
}
