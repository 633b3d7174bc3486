/**
 * `marketmux/testkit`: the sandbox servers, for testing bots without keys or network.
 * This entry composes the providers' sandboxes; the core never imports them.
 */
import { Cs2CapSandbox, type Cs2CapSandboxOptions } from '../../providers/cs2cap/sandbox.js';
import { CsboardSandbox, type CsboardSandboxOptions } from '../../providers/csboard/sandbox.js';
import { KalshiSandbox, type KalshiSandboxOptions } from '../../providers/kalshi/sandbox.js';

export { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
export { CsboardSandbox } from '../../providers/csboard/sandbox.js';
export { KalshiSandbox, type KalshiSandboxOptions } from '../../providers/kalshi/sandbox.js';
export { KalshiStreamSandbox, kalshiHandshakeVerifier, type KalshiStreamSandboxOptions, type StreamFeedEvent, type StreamFeedOrderView, type StreamFeedSide, type StreamHandshakeIdentity, type StreamHandshakeRefusal, type StreamHandshakeVerifier, type StreamMarketFeed } from '../../providers/kalshi/sandbox-stream.js';
export { KalshiMatchingEngine, DEFAULT_FEE_SCHEDULE, feeScheduleFor, type EngineError, type KalshiFeeSchedule, type MatchingEngineOptions, type OrderResult, type PlaceOrderInput, type SandboxAccount, type SandboxFill, type SandboxMarketInfo, type SandboxPosition, type SandboxTrade } from '../../providers/kalshi/sandbox-matching.js';
export { KalshiMarketSimulator, type KalshiMarketSimulatorOptions } from '../../providers/kalshi/sandbox-simulator.js';
export { makeFcmMember } from '../../providers/kalshi/sandbox-fcm.js';
export { setHistoricalCutoff, resetHistoricalCutoff } from '../../providers/kalshi/sandbox-historical.js';
export type { KalshiSide, KalshiBookSide, KalshiLifecycleEvent, KalshiOrderStatus, KalshiOrderUpdateReason, KalshiSelfTradePrevention, KalshiTimeInForce, SandboxMarketEvent, SandboxMarketFeed, SandboxOrderView } from '../../providers/kalshi/sandbox-market-events.js';
export { SandboxServer, type Fault, type FaultKind, type LoggedRequest } from './server.js';

/** Options of each sandbox (window lengths, limits, sizes), for fast or specific tests. */
export interface SandboxOptions {
  cs2cap?: Cs2CapSandboxOptions;
  csboard?: CsboardSandboxOptions;
  kalshi?: KalshiSandboxOptions;
}

/** The running sandboxes: base URLs, ready-made credentials, the servers (fault injection, request logs). */
export interface Sandbox {
  /** A Quant-tier root key. */
  readonly cs2cap: { readonly baseUrl: string; readonly apiKey: string; readonly server: Cs2CapSandbox };
  /** `apiKey` is read-only; `tradingApiKey` may buy. */
  readonly csboard: { readonly baseUrl: string; readonly apiKey: string; readonly tradingApiKey: string; readonly server: CsboardSandbox };
  /** A registered key pair (PKCS#1 private key, as Kalshi hands out), and the WebSocket URL on the same port. */
  readonly kalshi: { readonly baseUrl: string; readonly streamUrl: string; readonly keyId: string; readonly privateKeyPem: string; readonly server: KalshiSandbox };
  /** The environment variables the CLI and `createMarketClient()` read. */
  readonly env: Record<string, string>;
  /** Stop all three servers. */
  close(): Promise<void>;
}

/** Start every sandbox on 127.0.0.1 ephemeral ports, with ready-made credentials. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const cs2cap = new Cs2CapSandbox(options.cs2cap);
  const cs2capUrl = await cs2cap.start();
  const cs2capKey = cs2cap.createKey('quant');
  const csboard = new CsboardSandbox(options.csboard);
  const csboardUrl = await csboard.start();
  const csboardKey = csboard.createKey();
  const csboardTradingKey = csboard.createKey({ trading: true });
  const kalshi = new KalshiSandbox(options.kalshi);
  const kalshiUrl = await kalshi.start();
  const kalshiUser = await kalshi.createUser({ balanceUsd: 1000 });
  return {
    cs2cap: { baseUrl: cs2capUrl, apiKey: cs2capKey, server: cs2cap },
    csboard: { baseUrl: csboardUrl, apiKey: csboardKey, tradingApiKey: csboardTradingKey, server: csboard },
    kalshi: { baseUrl: kalshiUrl, streamUrl: kalshi.streamUrl, keyId: kalshiUser.keyId, privateKeyPem: kalshiUser.privateKeyPem, server: kalshi },
    env: {
      CS2C_API_BASE: cs2capUrl,
      CS2C_API_KEY: cs2capKey,
      CSBOARD_API_BASE: csboardUrl,
      CSBOARD_API_KEY: csboardKey,
      KALSHI_API_BASE: kalshiUrl,
      KALSHI_WS_BASE: kalshi.streamUrl,
      KALSHI_API_KEY_ID: kalshiUser.keyId,
      KALSHI_PRIVATE_KEY: kalshiUser.privateKeyPem.replace(/\r?\n/g, '\\n'),
    },
    async close() {
      await Promise.all([cs2cap.close(), csboard.close(), kalshi.close()]);
    },
  };
}
