/**
 * Every operation of reference/kalshi-openapi.yaml (3.31.0: 117) has a generated fact, and
 * either a client call or a place in `NOT_YET`, the committed list of operations the client
 * does not serve yet. The list only shrinks: the test fails when an operation is served but
 * still listed, or neither served nor listed — so a new spec version shows exactly what is
 * missing. Also: the committed generated module is exactly what the generator makes of the spec.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClientOperations, expectNoDrift } from './operation-table.js';
import { parse as parseYaml } from 'yaml';
import { kalshiOperations } from '../../providers/kalshi/generated/operations.js';
import { KALSHI_CLIENT_OPERATIONS } from '../../providers/kalshi/operation-map.js';
import { createKalshiClient } from '../../providers/kalshi/index.js';

const root = resolve(import.meta.dirname, '../..');
const specFile = resolve(root, '../shared/reference/kalshi-openapi.yaml');
const spec = parseYaml(readFileSync(specFile, 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>> };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Operations of the spec the client does not serve yet (sorted). Remove an entry when its call lands. */
const NOT_YET: readonly string[] = [
];

function documented(): Record<string, { method: string; path: string }> {
  const out: Record<string, { method: string; path: string }> = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of METHODS) if (item[m]) out[item[m].operationId] = { method: m.toUpperCase(), path };
  }
  return out;
}

describe('kalshi operation coverage', () => {
  it('the generated table has every operation of the spec, with its method and path', () => {
    const want = documented();
    expect(Object.keys(want)).toHaveLength(117);
    const table = Object.fromEntries(Object.entries(kalshiOperations).map(([id, op]) => [id, { method: op.method, path: op.path }]));
    expect(table).toEqual(want);
  });

  it('every operation is served by the client or listed as not yet served, never both', () => {
    const all = Object.keys(documented()).sort();
    const served = Object.keys(KALSHI_CLIENT_OPERATIONS).sort();
    expect([...NOT_YET].sort()).toEqual([...NOT_YET]);
    expect(new Set(NOT_YET).size).toBe(NOT_YET.length);
    expect(served.filter((id) => NOT_YET.includes(id)), 'served but still listed in NOT_YET').toEqual([]);
    expect(all.filter((id) => !served.includes(id) && !NOT_YET.includes(id)), 'neither served nor listed in NOT_YET').toEqual([]);
    expect([...NOT_YET, ...served].filter((id) => !all.includes(id)), 'not an operation of the spec').toEqual([]);
  });

  it('each mapped name is a function of a real client, and no two operations share one', async () => {
    const client = createKalshiClient({ baseUrl: 'http://127.0.0.1:9/trade-api/v2' });
    try {
      expectClientOperations(client, KALSHI_CLIENT_OPERATIONS);
    } finally {
      await client.close();
    }
  });

  it('the committed generated module is what the generator makes of the spec (no drift)', () => expectNoDrift('kalshi'));
});
