import { describe, expect, it } from 'vitest';
import { CapabilityError, ClientClosedError, createKalshiClient, ValidationError } from '../../src/index.js';
import { generateRsaKeyPair } from '../../src/crypto/rsa-keys.js';

describe('kalshi client: stream, books and followed orders need a key and end with close()', () => {
  it('without credentials, stream, orderBook, watchOrders and trackOrder refuse with a CapabilityError, sending nothing', async () => {
    const client = createKalshiClient({});
    expect(() => client.stream).toThrow(CapabilityError);
    // Looking at the client does not touch the stream.
    expect(Object.keys(client)).not.toContain('stream');
    expect(() => JSON.stringify({ ...client })).not.toThrow();
    expect(() => client.orderBook('KXT-1')).toThrow(CapabilityError);
    await expect(client.watchOrders()).rejects.toBeInstanceOf(CapabilityError);
    expect(() => client.trackOrder('abc')).toThrow(CapabilityError);
    await client.close();
  });

  it('bad input is a ValidationError; after close() nothing new starts', async () => {
    const pair = await generateRsaKeyPair({ bits: 2048 });
    expect(() => createKalshiClient({ keyId: 'k', privateKeyPem: pair.privateKeyPem, streamUrl: 'http://example.test/ws' })).toThrow(ValidationError);
    const client = createKalshiClient({ keyId: 'k', privateKeyPem: pair.privateKeyPem, baseUrl: 'http://127.0.0.1:9/trade-api/v2' });
    expect(() => client.trackOrder('')).toThrow(ValidationError);
    expect(() => client.trackOrder('x', { pollIntervalMs: 1 })).toThrow(ValidationError);
    // The stream object exists before anything connects; closing the client closes it.
    const stream = client.stream;
    expect(stream.status).toBe('idle');
    expect(client.stream).toBe(stream);
    await client.close();
    expect(stream.status).toBe('closed');
    expect(() => client.stream).toThrow(ClientClosedError);
    expect(() => client.trackOrder('x')).toThrow(ClientClosedError);
  });
});
