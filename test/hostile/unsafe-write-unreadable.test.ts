/**
 * Hostile: CS2Cap creates the alert (an unsafe write, never repeated) and answers 201 with a
 * threshold_value that passes alertSchema's decimal regex ("25.") but not money(). The
 * conversion runs after the sender (providers/cs2cap/notifications.ts withThreshold), so the
 * caller gets a ValidationError — documented as "a bad input … nothing was sent" — for a write
 * that was carried out. README: "When a write may have reached the server and its answer was
 * lost — … a 2xx that cannot be read … — the call rejects with OutcomeUnknownError".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient } from '../../src/index.js';
import { caught } from '../helpers.js';

describe('hostile: a committed unsafe write whose 2xx cannot be read after parsing', () => {
  let server: http.Server;
  let base: string;
  let created = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      if (req.method === 'POST') created += 1;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `alert_${created}`,
          kind: 'price_below',
          threshold_value: '25.',
          threshold_currency: 'USD',
          is_enabled: true,
          last_triggered_at: null,
          created_at: '2026-12-01T00:00:00Z',
          updated_at: '2026-12-01T00:00:00Z',
          item: { item_id: 7, market_hash_name: 'AK-47 | Redline (Field-Tested)' },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('alerts.create: the alert is created, yet the call rejects with ValidationError', async () => {
    const client = createCs2CapClient({ apiKey: `sk_live_${'a2'.repeat(16)}`, baseUrl: base });
    try {
      const err = (await caught(client.alerts.create({ itemId: 7, kind: 'price_below', threshold: '25.50', currency: 'USD' }))) as Error;
      expect(created).toBe(1); // the server carried it out
      expect(`${err.name}: ${err.message}`).toMatch(/^OutcomeUnknownError/);
    } finally {
      await client.close();
    }
  });
});
