/**
 * The table of server-listed endpoint costs matches the client's concrete paths against the
 * server's templates, with or without the `/trade-api/v2` root, and falls back to the known
 * non-default costs only where the server is silent.
 */
import { describe, expect, it } from 'vitest';
import { kalshiOperations } from '../../providers/kalshi/generated/operations.js';
import { KalshiEndpointCostTable } from '../../providers/kalshi/spec-calls.js';

const literal = Object.values(kalshiOperations).filter((o) => !o.path.includes('{')).map((o) => `${o.method} ${o.path}`);

describe('KalshiEndpointCostTable', () => {
  it('before the server said anything, every fallback stands', () => {
    const t = new KalshiEndpointCostTable();
    expect(t.costOf('GET', '/portfolio/balance', 10)).toBe(10);
    expect(t.costOf('DELETE', '/portfolio/events/orders/abc', 2)).toBe(2);
  });

  it('a listed template matches one path segment per parameter, by method, with or without the root', () => {
    const t = new KalshiEndpointCostTable(literal);
    t.set({
      default_cost: 12,
      endpoint_costs: [
        { method: 'delete', path: '/trade-api/v2/portfolio/events/orders/{order_id}', cost: 3 },
        { method: 'GET', path: '/communications/quotes/{quote_id}', cost: 1 },
      ],
    });
    expect(t.costOf('DELETE', '/portfolio/events/orders/abc-123', 2)).toBe(3);
    // A parameter never spans a slash.
    expect(t.costOf('DELETE', '/portfolio/events/orders/batched/x', 2)).toBe(2);
    expect(t.costOf('POST', '/portfolio/events/orders/abc-123', 10)).toBe(12);
    expect(t.costOf('GET', '/communications/quotes/q1', 10)).toBe(1);
    // The server's default replaces the client's; a known non-default cost stays until listed.
    expect(t.costOf('GET', '/markets', 10)).toBe(12);
    // The batch cancel is its own endpoint, though it fits …/{order_id}.
    expect(t.costOf('DELETE', '/portfolio/events/orders/batched', 2)).toBe(2);
    t.set({ default_cost: 10, endpoint_costs: [{ method: 'DELETE', path: '/portfolio/events/orders/batched', cost: 1 }] });
    expect(t.costOf('DELETE', '/portfolio/events/orders/batched', 2)).toBe(1);
  });

  it('a later answer replaces the whole table', () => {
    const t = new KalshiEndpointCostTable();
    t.set({ default_cost: 10, endpoint_costs: [{ method: 'GET', path: '/portfolio/balance', cost: 60 }] });
    expect(t.costOf('GET', '/portfolio/balance', 10)).toBe(60);
    t.set({ default_cost: 10, endpoint_costs: [] });
    expect(t.costOf('GET', '/portfolio/balance', 10)).toBe(10);
  });
});
