/**
 * One area's part of the Kalshi contract run (test/contract/kalshi-answers.test.ts): it drives
 * every operation of its area through the client — and the error statuses the sandbox can give,
 * through `raw` where the client would refuse the input first — while the run records every
 * answer and request and checks each against the spec. A file in this folder exports `scenario`.
 */
import type { KalshiClient } from '../../../providers/kalshi/index.js';
import type { KalshiSandbox } from '../../../providers/kalshi/sandbox.js';

/** What a scenario gets: a running sandbox and two funded users' clients. */
export interface KalshiScenarioContext {
  readonly sandbox: KalshiSandbox;
  /** The trade-api root, e.g. `http://127.0.0.1:PORT/trade-api/v2`. */
  readonly baseUrl: string;
  /** A signed client of user A (1,000 USD). */
  readonly client: KalshiClient;
  /** A signed client of user B (1,000 USD): the counterparty for RFQs, block trades, transfers. */
  readonly other: KalshiClient;
  /** A client without keys (public calls only). */
  readonly anon: KalshiClient;
  /**
   * A request the client would refuse to send, signed as user A (or `as: 'none'` unsigned),
   * straight to the sandbox; resolves with the status. Its answer is checked like any other.
   */
  raw(method: string, path: string, options?: { body?: unknown; as?: 'a' | 'b' | 'none' }): Promise<number>;
}

/** One area's scenario (see the file comment). */
export interface KalshiScenario {
  /** The area, e.g. `communications`. */
  readonly name: string;
  run(ctx: KalshiScenarioContext): Promise<void>;
}
