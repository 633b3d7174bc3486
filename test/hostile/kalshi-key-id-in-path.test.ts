/**
 * Hostile: a call whose path holds the client's own key id — `apiKeys.delete(ownKeyId)`, a bot
 * retiring the key it runs on — that fails (the key stays live). The rejected error is
 * scrubbed; the `request`, `response` and `error` events and the log lines made from them
 * (`logger`, `MARKETMUX_LOG=debug`) must be scrubbed the same way: no key id in any event or log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

describe('hostile: the own key id in a request path', () => {
  let sandbox: KalshiSandbox;
  let baseUrl: string;
  let user: { keyId: string; privateKeyPem: string };
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    baseUrl = await sandbox.start();
    user = await sandbox.createUser({ balanceUsd: 10 });
  });
  afterAll(() => sandbox.close());

  it('stays out of the error, every event and every log line', async () => {
    const lines: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>): void => void lines.push(`${message} ${JSON.stringify(fields)}`);
    const events: string[] = [];
    const client = createKalshiClient({
      baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { retries: 0 }, logLevel: 'debug',
      logger: { debug: log, info: log, warn: log, error: log },
      on: { request: (e) => events.push(JSON.stringify(e)), response: (e) => events.push(JSON.stringify(e)), error: (e) => events.push(JSON.stringify(e)) },
    });
    try {
      sandbox.server.inject({ kind: 'status', method: 'DELETE', path: /\/api_keys\//, status: 503, body: { code: 'service_unavailable', message: 'try later' } });
      const error = await caught(client.apiKeys.delete(user.keyId));
      expect(error).toMatchObject({ status: 503 });
      expect(JSON.stringify(error)).not.toContain(user.keyId);
      expect(events.length).toBeGreaterThanOrEqual(3);
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const e of events) expect(e).not.toContain(user.keyId);
      for (const l of lines) expect(l).not.toContain(user.keyId);
    } finally {
      await client.close();
    }
  });
});
