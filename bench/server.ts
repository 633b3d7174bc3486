/**
 * A loopback server in its own process (see `childServer` in lib.ts); prints its port.
 * `json`: a small JSON answer to every request. `snapshot`: a 200,000-row CSBoard price
 * snapshot (gzip, made once at start) at /v1/prices/snapshot.ndjson.gz, JSON elsewhere.
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

const srv = http.createServer((req, res) => {
  if (snapshot && req.url?.startsWith('/v1/prices/snapshot.ndjson.gz')) {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', ETag: '"bench"', 'Content-Length': snapshot.length });
    res.end(snapshot);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
srv.keepAliveTimeout = 60_000;
srv.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(srv.address() as { port: number }).port} bytes ${snapshot?.length ?? 0}\n`);
});
