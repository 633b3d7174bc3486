/**
 * A small HTTP service that wraps marketmux for other teams. Run several copies: with
 * REDIS_URL set they share one quota per key, so together they never exceed it.
 *
 *   GET /compare?item=AK-47%20%7C%20Redline%20(Field-Tested)&currency=EUR
 */
import http from 'node:http';
import { createMarketClient, MarketError } from 'marketmux';

export function createQuotaService(env: Record<string, string | undefined>): { server: http.Server; close(): Promise<void> } {
  const market = createMarketClient({ env }); // REDIS_URL in env → the limiters live in Redis
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://service');
    const item = url.searchParams.get('item');
    if (url.pathname !== '/compare' || !item) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'GET /compare?item=…' }));
      return;
    }
    market.compare(item, { currency: url.searchParams.get('currency') ?? 'USD' }).then(
      (c) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(c)),
      (error: unknown) => {
        // Typed errors carry no secret, so they can be passed on as they are.
        const status = error instanceof MarketError && error.status ? error.status : 502;
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(error instanceof MarketError ? error : { error: 'failed' }));
      },
    );
  });
  return {
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await market.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const service = createQuotaService(process.env);
  service.server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${process.env.PORT ?? 8080}`));
  process.once('SIGINT', () => void service.close());
}
