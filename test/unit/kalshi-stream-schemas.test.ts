import { describe, expect, it } from 'vitest';
import { CHANNEL_MESSAGE_SCHEMAS, STREAM_ERROR_CODES, StreamError, streamErrorFromFrame } from '../../providers/kalshi/stream/index.js';
import { errorFrameSchema, okSchema, subscribedSchema, unsubscribedSchema } from '../../providers/kalshi/stream/schemas.js';
import { MarketError } from '../../src/errors.js';
import { documentedErrorCodes, serverMessageExamples, validateServerFrame } from '../kalshi-asyncapi.js';
import { expectNoSecret } from '../helpers.js';

const allSchemas: Record<string, { safeParse(v: unknown): { success: boolean } }> = {
  ...Object.assign({}, ...Object.values(CHANNEL_MESSAGE_SCHEMAS)),
  subscribed: subscribedSchema,
  unsubscribed: unsubscribedSchema,
  ok: okSchema,
  error: errorFrameSchema,
};

const delta = {
  type: 'orderbook_delta',
  sid: 2,
  seq: 3,
  msg: { market_ticker: 'FED-23DEC-T3.00', market_id: '9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1', price_dollars: '0.9600', delta_fp: '-54.00', side: 'yes', ts_ms: 1669149841000 },
};

describe('kalshi stream message schemas', () => {
  it('accept every example the AsyncAPI gives for the messages this client reads', () => {
    const examples = serverMessageExamples();
    expect(examples.length).toBeGreaterThan(20);
    for (const { message, payload } of examples) {
      const type = (payload as { type: string }).type;
      const schema = allSchemas[type];
      expect(schema, `${message}: no schema for type ${type}`).toBeDefined();
      expect(schema!.safeParse(payload).success, `${message} example`).toBe(true);
    }
  });

  it('the test oracle itself accepts the examples and rejects a broken frame', () => {
    // The ticker pattern ^[A-Z0-9-]+$ contradicts the AsyncAPI's own examples ("FED-23DEC-T3.00"); the oracle follows the pattern.
    const dotless = serverMessageExamples().filter(({ payload }) => !JSON.stringify(payload).match(/"(market_)?ticker":"[^"]*\./));
    for (const { message, payload } of dotless) expect(validateServerFrame(payload), message).toEqual([]);
    expect(validateServerFrame({ ...delta, msg: { ...delta.msg, market_ticker: 'FED-23DEC', price_dollars: 0.96 } })).toContain('$.msg.price_dollars: expected string, got number');
  });

  it('keep unknown fields and accept enum values added later', () => {
    const parsed = CHANNEL_MESSAGE_SCHEMAS.orderbook_delta.orderbook_delta.parse({ ...delta, extra_top: 1, msg: { ...delta.msg, side: 'maybe', new_field: 'x' } });
    expect(parsed.msg.side).toBe('maybe');
    expect((parsed.msg as Record<string, unknown>).new_field).toBe('x');
    expect((parsed as Record<string, unknown>).extra_top).toBe(1);
    const order = CHANNEL_MESSAGE_SCHEMAS.user_orders.user_order.safeParse({
      type: 'user_order', sid: 1,
      msg: { order_id: 'o', user_id: 'u', ticker: 'T', exchange_index: 0, status: 'partially_filled', outcome_side: 'yes', book_side: 'bid', yes_price_dollars: '0.3500', fill_count_fp: '0.00', remaining_count_fp: '10.00', initial_count_fp: '10.00', taker_fill_cost_dollars: '0.000000', maker_fill_cost_dollars: '0.000000', taker_fees_dollars: '0.000000', maker_fees_dollars: '0.000000', client_order_id: 'c', created_ts_ms: null },
    });
    expect(order.success).toBe(true);
  });

  it('keep exact decimal strings and refuse floats where strings belong', () => {
    const parsed = CHANNEL_MESSAGE_SCHEMAS.orderbook_delta.orderbook_delta.parse({ ...delta, msg: { ...delta.msg, price_dollars: '0.123456' } });
    expect(parsed.msg.price_dollars).toBe('0.123456');
    const bad = CHANNEL_MESSAGE_SCHEMAS.orderbook_delta.orderbook_delta.safeParse({ ...delta, msg: { ...delta.msg, delta_fp: -54 } });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]?.path).toEqual(['msg', 'delta_fp']);
    expect(CHANNEL_MESSAGE_SCHEMAS.orderbook_delta.orderbook_delta.safeParse({ ...delta, msg: { ...delta.msg, price_dollars: '1e-2' } }).success).toBe(false);
  });
});

describe('kalshi stream error codes', () => {
  it('map every documented code, with exactly 10 and 25 terminal', () => {
    for (const code of documentedErrorCodes()) expect(STREAM_ERROR_CODES[code], `code ${code}`).toBeDefined();
    for (let code = 1; code <= 28; code += 1) expect(STREAM_ERROR_CODES[code], `code ${code}`).toBeDefined();
    const terminal = Object.entries(STREAM_ERROR_CODES).filter(([, i]) => i.terminal).map(([c]) => Number(c));
    expect(terminal).toEqual([10, 25]);
    expect(STREAM_ERROR_CODES[27]!.retryable).toBe(true);
  });

  it('an error frame becomes a typed StreamError that carries its code and no secret', () => {
    const error = streamErrorFromFrame({ code: 25, msg: 'Subscription buffer overflow', command: 'subscribe', channel: 'orderbook_delta' });
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toBeInstanceOf(MarketError);
    expect(error.name).toBe('StreamError');
    expect(error.streamCode).toBe(25);
    expect(error.terminal).toBe(true);
    expect(error.toJSON()).toMatchObject({ streamCode: 25, terminal: true, channel: 'orderbook_delta', provider: 'kalshi' });
    const unknown = streamErrorFromFrame({ code: 99 });
    expect(unknown.streamCode).toBe(99);
    expect(unknown.terminal).toBe(false);
    expectNoSecret(error, 'KALSHI-ACCESS');
  });
});
