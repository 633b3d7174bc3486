/** A loopback server in its own process (see `childServer` in lib.ts); prints its port. */
import http from 'node:http';

const body = JSON.stringify({ timestamp: null, base: 'USD', rates: { EUR: 0.92, GBP: 0.79 }, updated_at: '2026-01-01T00:00:00Z' });
const srv = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
srv.keepAliveTimeout = 60_000;
srv.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(srv.address() as { port: number }).port}\n`);
});
