/**
 * Every documented CS2Cap operation has a generated fact and a client call: the spec's 58
 * operations plus the four routes only the mdx docs list (reference/cs2cap.md §11, §9 #14).
 * Also: the committed generated module is exactly what the generator makes of the spec.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClientOperations, expectNoDrift } from './operation-table.js';
import { cs2capOperations } from '../../providers/cs2cap/generated/operations.js';
import { CS2CAP_CLIENT_OPERATIONS } from '../../providers/cs2cap/operation-map.js';
import { createCs2CapClient } from '../../providers/cs2cap/index.js';

const root = resolve(import.meta.dirname, '../..');
const specFile = resolve(root, '../shared/reference/cs2cap-openapi.json');
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>> };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** reference/cs2cap.md §11: "Not in the spec (mdx only)". */
const MDX_ONLY: Record<string, { method: string; path: string }> = {
  getKeyInfo: { method: 'GET', path: '/v1/account/key' },
  reissueKey: { method: 'POST', path: '/v1/account/key/reissue' },
  importPortfolioCsv: { method: 'POST', path: '/v1/portfolio/{portfolio_id}/import/csv' },
  exportPortfolioCsv: { method: 'GET', path: '/v1/portfolio/{portfolio_id}/export' },
};

function documented(): Record<string, { method: string; path: string }> {
  const out: Record<string, { method: string; path: string }> = { ...MDX_ONLY };
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of METHODS) if (item[m]) out[item[m].operationId] = { method: m.toUpperCase(), path };
  }
  return out;
}

describe('cs2cap operation coverage', () => {
  it('the generated table has every operation of the spec and the mdx, with its method and path', () => {
    const want = documented();
    expect(Object.keys(want)).toHaveLength(58 + 4);
    const table = Object.fromEntries(Object.entries(cs2capOperations).map(([id, op]) => [id, { method: op.method, path: op.path }]));
    expect(table).toEqual(want);
    for (const id of Object.keys(MDX_ONLY)) expect(cs2capOperations[id as keyof typeof cs2capOperations].source).toBe('docs');
  });

  it('the client has a call for every documented operation', () => {
    const missing = Object.keys(documented()).filter((id) => !(id in CS2CAP_CLIENT_OPERATIONS)).sort();
    expect(missing).toEqual([]);
    expect(Object.keys(CS2CAP_CLIENT_OPERATIONS).sort()).toEqual(Object.keys(documented()).sort());
  });

  it('each mapped name is a function of a real client, and no two operations share one', async () => {
    const client = createCs2CapClient({ apiKey: `sk_live_${'x'.repeat(20)}`, baseUrl: 'http://127.0.0.1:9/v1' });
    try {
      expectClientOperations(client, CS2CAP_CLIENT_OPERATIONS);
    } finally {
      await client.close();
    }
  });

  it('the committed generated module is what the generator makes of the spec (no drift)', () => expectNoDrift('cs2cap'));
});
