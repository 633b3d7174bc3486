/**
 * A loopback server in its own process (see `childServer` in lib.ts); prints its port.
 * `json`: a small JSON answer to every request. `snapshot`: a 200,000-row CSBoard price
 * snapshot (gzip, made once at start) at /v1/prices/snapshot.ndjson.gz, JSON elsewhere.
 * `cs2cap-stream`: CS2Cap's bulk streams (plain NDJSON, made once at start) at `POST
 * /v1/prices` and `POST /v1/bids`, the given number of rows each.
 */
import http from 'node:http';
import { gzipSync } from 'node:zlib';

const kind = process.argv[2] ?? 'json';
const body = JSON.stringify({ timestamp: null, base: 'USD', rates: { EUR: 0.92, GBP: 0.79 }, updated_at: '2026-01-01T00:00:00Z' });
const WEARS = ['Factory New', 'Minimal Wear', 'Field-Tested', 'Well-Worn', 'Battle-Scarred'];

/** Rows shaped like CSBoard's snapshot (reference/csboard.md §12): ~135 bytes each. */
function snapshotBody(rows: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cents = 3 + ((i * 7919) % 250_000);
    lines.push(JSON.stringify({ market_hash_name: `AK-47 | Redline (${WEARS[i % 5]}) #${i}`, wear: WEARS[i % 5], doppler_phase: i % 17 === 0 ? 'Phase 2' : null, min_price_usd: cents / 100, qty: 1 + (i % 40) }));
  }
  return gzipSync(lines.join('\n') + '\n');
}
const snapshot = kind === 'snapshot' ? snapshotBody(Number(process.argv[3] ?? 200_000)) : undefined;

const PROVIDERS = ['steam', 'buff163', 'csfloat', 'skinport', 'youpin', 'dmarket'];
/**
 * Rows shaped like CS2Cap's `MarketItem` / `BuyOrderItem` (reference/cs2cap.md §6.1–6.2, as
 * the sandbox sends them): ~230 / ~190 bytes each, a decimal twin on every price.
 */
function cs2capBody(kind: 'prices' | 'bids', rows: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cents = 3 + ((i * 7919) % 250_000);
    const base = { provider: PROVIDERS[i % PROVIDERS.length], item_id: 1 + (i % 30_000), market_hash_name: `AK-47 | Redline (${WEARS[i % 5]}) #${i}`, phase: i % 17 === 0 ? 'Phase 2' : null };
    const at = new Date(1_780_000_000_000 + i * 1000).toISOString();
    lines.push(
      JSON.stringify(
        kind === 'prices'
          ? { ...base, lowest_ask: cents, lowest_ask_decimal: (cents / 100).toFixed(2), quantity: 1 + (i % 40), url: `https://example.test/i/${i}`, timestamp: at, last_updated: at }
          : { ...base, highest_bid: cents, highest_bid_decimal: (cents / 100).toFixed(2), num_bids: 1 + (i % 40), timestamp: at, last_updated: at },
      ),
    );
  }
  return Buffer.from(lines.join('\n') + '\n');
}
const streams = kind === 'cs2cap-stream' ? { '/v1/prices': cs2capBody('prices', Number(process.argv[3] ?? 200_000)), '/v1/bids': cs2capBody('bids', Number(process.argv[3] ?? 200_000)) } : undefined;

const srv = http.createServer((req, res) => {
  if (snapshot && req.url?.startsWith('/v1/prices/snapshot.ndjson.gz')) {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', ETag: '"bench"', 'Content-Length': snapshot.length });
    res.end(snapshot);
    return;
  }
  const path = req.url?.split('?')[0];
  const stream = streams && req.method === 'POST' && (path === '/v1/prices' || path === '/v1/bids') ? streams[path] : undefined;
  if (stream) {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'X-Snapshot-Currency': 'USD', 'X-Snapshot-Total': String(Number(process.argv[3] ?? 200_000)), 'Content-Length': stream.length });
    res.end(stream);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
srv.keepAliveTimeout = 60_000;
srv.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(srv.address() as { port: number }).port} bytes ${snapshot?.length ?? streams?.['/v1/prices'].length ?? 0}\n`);
});
