/**
 * The operation kit: every client path maps back to its own operation (a literal segment
 * outranks a parameter), paths are filled with encoded segments, and the tier gate refuses
 * only what the known tier cannot call.
 */
import { describe, expect, it } from 'vitest';
import { CapabilityError, ValidationError } from '../../src/errors.js';
import { cs2capOperations, type Cs2CapOperationId } from '../../providers/cs2cap/generated/operations.js';
import { Cs2CapTierGate, operationOf, operationPath, tierOfKeyInfo } from '../../providers/cs2cap/operation-kit.js';

const ids = Object.keys(cs2capOperations) as Cs2CapOperationId[];

describe('cs2cap operation kit', () => {
  it('every operation is found again from its own method and filled path', () => {
    for (const id of ids) {
      const params = Object.fromEntries([...cs2capOperations[id].path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'abc-123']));
      expect(operationOf(cs2capOperations[id].method, operationPath(id, params)), id).toBe(id);
    }
    expect(operationOf('GET', '/account/alerts/events')).toBe('listAlertEvents');
    expect(operationOf('GET', '/account/webhooks/deliveries')).toBe('listWebhookDeliveries');
    expect(operationOf('POST', '/portfolio/value')).toBe('valuePortfolio');
    expect(operationOf('GET', '/nowhere')).toBeUndefined();
  });

  it('fills path segments encoded, and refuses ids that would change the path', () => {
    expect(operationPath('getSubKey', { key_id: 'a/b c' })).toBe('/account/sub-keys/a%2Fb%20c');
    expect(() => operationPath('getSubKey', { key_id: '..' })).toThrow(ValidationError);
    expect(() => operationPath('getSubKey', {})).toThrow(/key_id/);
  });

  it('the gate refuses nothing until the tier is known, then exactly the operations above it', () => {
    const gate = new Cs2CapTierGate();
    expect(() => gate.check('GET', '/market/indexes')).not.toThrow();
    gate.learn('enterprise');
    expect(gate.tier).toBeUndefined();
    gate.learn('pro');
    const refused = ids.filter((id) => {
      const op = cs2capOperations[id];
      try {
        gate.check(op.method, operationPath(id, Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'x']))));
        return false;
      } catch (error) {
        expect(error).toBeInstanceOf(CapabilityError);
        expect((error as CapabilityError).message).toContain(`the ${op.tier} tier`);
        return true;
      }
    });
    expect(refused.sort()).toEqual(ids.filter((id) => cs2capOperations[id].tier === 'quant').sort());
    expect(refused).toContain('getMarketCapIndexes');
    expect(refused).not.toContain('getItemAnalytics');
  });

  it('the tier from key metadata: the monthly quota, unless an override lowers it', () => {
    expect(tierOfKeyInfo({ effective_quota_requests_per_month: 50_000 })).toBe('starter');
    expect(tierOfKeyInfo({ effective_quota_requests_per_month: 1_000_000, quota_requests_per_month_override: null })).toBe('quant');
    expect(tierOfKeyInfo({ effective_quota_requests_per_month: 5_000, quota_requests_per_month_override: 5_000 })).toBeUndefined();
    expect(tierOfKeyInfo({ effective_quota_requests_per_month: 123 })).toBeUndefined();
  });
});
