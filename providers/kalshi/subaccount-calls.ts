/**
 * Subaccounts, transfers of cash between them and between exchange instances/shards, and the
 * target balance allocation across shards: the spec-driven calls of Kalshi's portfolio money
 * moves. Amounts are exact (`Money`, a decimal dollar string, or integer cents), checked
 * before anything is sent; a transfer never goes out twice unless the server dedupes it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import type { Money } from '../../src/money.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import { withDollarFields } from './answer-dollars.js';
import * as g from './generated/operations.js';
import type { KalshiOperationSender } from './spec-calls.js';

const PROVIDER = 'kalshi';

/** A subaccount's cash on one exchange shard (spec `SubaccountBalance`), as sent. */
export interface KalshiSubaccountBalance extends g.SubaccountBalance {
  /** 0 for the primary account, 1–63 for the numbered ones. */
  readonly subaccount_number: number;
  /** The exchange shard this cash is on. */
  readonly exchange_index: number;
  /** The cash, a fixed-point dollar string (`"250.0000"`, exact; checked as one). */
  readonly balance: string;
  /** When it last changed, Unix seconds. */
  readonly updated_ts: number;
}
/** One transfer between two of your subaccounts (spec `SubaccountTransfer`), as sent. */
export interface KalshiSubaccountTransfer extends g.SubaccountTransfer {
  /** Kalshi's id of the transfer. */
  readonly transfer_id: string;
  /** The subaccount the cash left (0 is the primary account). */
  readonly from_subaccount: number;
  /** The subaccount the cash went to. */
  readonly to_subaccount: number;
  /** The amount moved, integer cents (exact; `amount_cents / 100` dollars). */
  readonly amount_cents: number;
  /** When it was made, Unix seconds (`new Date(created_ts * 1000)`). */
  readonly created_ts: number;
  /** The exchange shard it moved on. */
  readonly exchange_index: number;
}
/** Whether netting is on for one subaccount on one shard. */
export type KalshiSubaccountNetting = g.SubaccountNettingConfig;
/** A transfer between exchange instances or shards of your account (spec `IntraExchangeInstanceTransfer`), as sent. */
export interface KalshiExchangeTransfer extends g.IntraExchangeInstanceTransfer {
  /** Kalshi's id of the transfer. */
  readonly transfer_id: string;
  /** The amount moved, a fixed-point dollar string with up to 4 decimals (Kalshi counts in centi-cents; exact, checked as one). */
  readonly amount: string;
  /** When it was made, Unix seconds. */
  readonly created_ts: number;
}
/** The transfer `exchangeTransfers.create` started (spec `IntraExchangeInstanceTransferResponse`). */
export interface KalshiCreatedExchangeTransfer {
  /** Kalshi's id of the transfer: read it with `exchangeTransfers.get(transfer_id)` (Kalshi processes it asynchronously). */
  readonly transfer_id: string;
}
/** A page of transfers between your subaccounts (spec `GetSubaccountTransfersResponse`), newest first. */
export interface KalshiSubaccountTransfersPage {
  /** The transfers of this page. */
  readonly transfers: KalshiSubaccountTransfer[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** A page of your exchange transfers (spec `GetIntraExchangeInstanceTransfersResponse`), newest first. */
export interface KalshiExchangeTransfersPage {
  /** The transfers of this page. */
  readonly transfers: KalshiExchangeTransfer[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** Your target split of sweepable cash across exchange shards, and what a rebalance leaves for resting orders. */
export type KalshiTargetAllocation = g.GetTargetBalanceAllocationResponse;
/** An exchange instance: the event-contract exchange or the margined one. */
export type KalshiExchangeInstance = 'event_contract' | 'margined';

/**
 * An amount of US dollars: `Money` in USD, or a decimal dollar string (`"12.50"`), or
 * `amountCents` (an integer). Never a float of dollars.
 */
export type KalshiCashAmount =
  | {
      /** Dollars: `Money` in USD, or a decimal string (`"12.50"`). */
      readonly amount: Money | string;
      /** Not with `amount`. */
      readonly amountCents?: never;
    }
  | {
      /** Whole cents, an integer (`1250` is $12.50). */
      readonly amountCents: number;
      /** Not with `amountCents`. */
      readonly amount?: never;
    };

/** A transfer between two of your subaccounts (0 is the primary account, 1–63 the numbered ones). */
export type KalshiSubaccountTransferInput = KalshiCashAmount & {
  /** The subaccount the cash leaves (0 is the primary account). */
  readonly from: number;
  /** The subaccount the cash goes to. */
  readonly to: number;
  /** The exchange shard to move the cash on (default 0). */
  readonly exchangeIndex?: number;
  /**
   * Kalshi's `client_transfer_id` (a UUID): one is made when you give none. Repeating a call
   * under the same key does not move the cash twice.
   */
  readonly idempotencyKey?: string;
};

/** A transfer between exchange instances (`event_contract`, `margined`) or shards of your account. */
export type KalshiExchangeTransferInput = KalshiCashAmount & {
  /** Where the cash is: `event_contract` or `margined`. */
  readonly source: KalshiExchangeInstance;
  /** Where the cash goes. */
  readonly destination: KalshiExchangeInstance;
  /** 0–100, default 0. */
  readonly sourceShard?: number;
  /** 0–100, default 0. */
  readonly destinationShard?: number;
  /** Event contract to event contract only; default 0 (the primary account). */
  readonly sourceSubaccount?: number;
  /** Event contract to event contract only; default 0 (the primary account). */
  readonly destinationSubaccount?: number;
};

/** A target split: percentages per exchange shard that total 100, or none (rebalancing off). */
export interface KalshiTargetAllocationInput {
  /** Percent (whole numbers, total 100) per exchange shard; empty turns rebalancing off. */
  readonly allocations: readonly {
    /** The exchange shard, 0–100. */
    readonly exchangeIndex: number;
    /** Its share, a whole percent. */
    readonly percent: number;
  }[];
  /** What a rebalance leaves behind for resting orders (Kalshi's default `sum`). */
  readonly restingMarginReservation?: 'none' | 'max' | 'sum';
}

/** The calls of this module (see the file comment). */
export interface KalshiSubaccountCalls {
  /** Subaccounts: create, balances, transfers between them, netting. */
  readonly subaccounts: {
    /**
     * Create the next numbered subaccount (Advanced API tier and above; at most 63). Not
     * repeat-safe (each call makes a new one, and Kalshi takes no key here): never repeated
     * once it may have been sent; after an OutcomeUnknownError, `balances()` shows whether a
     * new number appeared.
     */
    create(input?: { exchangeIndex?: number }, options?: CallOptions): Promise<{ readonly subaccount_number: number }>;
    /** The cash of every subaccount, the primary (0) included (read). */
    balances(options?: CallOptions): Promise<KalshiSubaccountBalance[]>;
    /**
     * Move cash between two of your subaccounts. Sent under Kalshi's `client_transfer_id`
     * (the `idempotencyKey`, made when you give none), which the server dedupes: retried on a
     * lost answer under the same key, and a lost answer the retries did not settle is an
     * OutcomeUnknownError carrying the key — repeat with that `idempotencyKey`, never without.
     * Refused before sending: the same subaccount on both sides, an amount of zero or less,
     * a fraction of a cent.
     */
    transfer(input: KalshiSubaccountTransferInput, options?: CallOptions): Promise<{ idempotencyKey: string }>;
    /** One page of transfers between your subaccounts, newest first (read). */
    transfers(query?: { limit?: number; cursor?: string }, options?: CallOptions): PagePromise<KalshiSubaccountTransfersPage, KalshiSubaccountTransfer>;
    /**
     * Every transfer between your subaccounts, newest first, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const transfer of kalshi.subaccounts.transfers(query))`.
     */
    allTransfers(query?: { limit?: number }, options?: CallOptions): AsyncGenerator<KalshiSubaccountTransfer, void, undefined>;
    /** Whether netting is on, per subaccount (read). */
    netting(options?: CallOptions): Promise<KalshiSubaccountNetting[]>;
    /** Turn netting on or off for one subaccount (repeat-safe: it sets a value). */
    setNetting(input: { subaccount: number; enabled: boolean }, options?: CallOptions): Promise<void>;
  };
  /** Transfers between exchange instances (event contracts, margined) and shards. */
  readonly exchangeTransfers: {
    /**
     * Move cash between exchange instances or shards (Kalshi processes it asynchronously).
     * Not repeat-safe: Kalshi takes no client id here, so it is never repeated once it may
     * have been sent; after an OutcomeUnknownError, `list()` (newest first) shows whether it
     * was made. Refused before sending: a transfer to where the cash already is, an amount of
     * zero or less, more than 4 decimals (Kalshi counts in 1/100 cents), a subaccount on the
     * margined side.
     */
    create(input: KalshiExchangeTransferInput, options?: CallOptions): Promise<KalshiCreatedExchangeTransfer>;
    /** One page of your exchange transfers, newest first (read). */
    list(query?: { limit?: number; cursor?: string }, options?: CallOptions): PagePromise<KalshiExchangeTransfersPage, KalshiExchangeTransfer>;
    /**
     * Every exchange transfer of yours, newest first, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const transfer of kalshi.exchangeTransfers.list(query))`.
     */
    all(query?: { limit?: number }, options?: CallOptions): AsyncGenerator<KalshiExchangeTransfer, void, undefined>;
    /** One exchange transfer by the id `create` returned (read). */
    get(transferId: string, options?: CallOptions): Promise<KalshiExchangeTransfer>;
  };
  /** The target split of your cash across exchange shards. */
  readonly targetAllocation: {
    /** Your target split of cash across exchange shards (read). */
    get(options?: CallOptions): Promise<KalshiTargetAllocation>;
    /**
     * Replace the target split: percentages per shard that total 100 (each shard once), or an
     * empty list to turn automatic rebalancing off. Repeat-safe: it sets a value.
     */
    set(input: KalshiTargetAllocationInput, options?: CallOptions): Promise<void>;
  };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const subaccountNumber = lazySchema(() => z.number().int().min(0).max(63));
const shard = lazySchema(() => z.number().int().min(0).max(100));
const uuid = lazySchema(() => z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID (Kalshi’s client_transfer_id)'));
const transferId = lazySchema(() => z.string().min(1).max(200));
const usdMoney = lazySchema(() => z.object({ currency: z.string(), amount: z.string() }).strict());

/** Dollars (Money in USD or a decimal string) → integer units of 10^-scale dollars, exactly, or an issue. */
function dollarUnits(scale: number, unit: string) {
  return z.union([z.string(), usdMoney]).transform((v, ctx) => {
    if (typeof v !== 'string' && v.currency.toUpperCase() !== 'USD') {
      ctx.addIssue({ code: 'custom', message: 'must be in USD' });
      return z.NEVER;
    }
    const m = /^(\d+)(?:\.(\d+))?$/.exec(typeof v === 'string' ? v : v.amount);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive decimal amount of dollars such as "12.50"' });
      return z.NEVER;
    }
    const frac = (m[2] ?? '').replace(/0+$/, '');
    if (frac.length > scale) {
      ctx.addIssue({ code: 'custom', message: `must not have more than ${scale} decimals (a fraction of ${unit})` });
      return z.NEVER;
    }
    const units = BigInt(m[1]! + frac.padEnd(scale, '0'));
    if (units <= 0n || units > MAX_SAFE) {
      ctx.addIssue({ code: 'custom', message: units <= 0n ? 'must be above 0' : 'is too large' });
      return z.NEVER;
    }
    return Number(units);
  });
}
const amountCents = lazySchema(() => z.number().int('must be whole cents').min(1, 'must be above 0').max(Number.MAX_SAFE_INTEGER).optional());
// A function, not a shape object: spread into a schema that is built on first use.
const amountShape = () => ({ amount: dollarUnits(2, 'a cent').optional(), amountCents });
const oneAmount = { message: 'give exactly one of amount and amountCents', path: ['amount'] };
const hasOneAmount = (q: { amount?: number | undefined; amountCents?: number | undefined }): boolean => (q.amount === undefined) !== (q.amountCents === undefined);

const transferInput = lazySchema(() => z
  .object({ ...amountShape(), from: subaccountNumber, to: subaccountNumber, exchangeIndex: shard.optional(), idempotencyKey: uuid.optional() })
  .strict()
  .refine(hasOneAmount, oneAmount)
  .refine((q) => q.from !== q.to, { message: 'from and to are the same subaccount: nothing would move', path: ['to'] }));
const instance = lazySchema(() => z.enum(['event_contract', 'margined']));
const exchangeTransferInput = lazySchema(() => z
  .object({
    amount: dollarUnits(4, 'a hundredth of a cent').optional(),
    // Sent × 100 (centicents): the product must stay an exact integer.
    amountCents: z.number().int('must be whole cents').min(1, 'must be above 0').max(Math.floor(Number.MAX_SAFE_INTEGER / 100), 'is too large').optional(),
    source: instance,
    destination: instance,
    sourceShard: shard.optional(),
    destinationShard: shard.optional(),
    sourceSubaccount: subaccountNumber.optional(),
    destinationSubaccount: subaccountNumber.optional(),
  })
  .strict()
  .refine(hasOneAmount, oneAmount)
  .refine((q) => (q.source === 'event_contract' && q.destination === 'event_contract') || ((q.sourceSubaccount ?? 0) === 0 && (q.destinationSubaccount ?? 0) === 0), {
    message: 'subaccounts are only supported for event contract to event contract transfers',
    path: ['sourceSubaccount'],
  })
  .refine((q) => q.source !== q.destination || (q.sourceShard ?? 0) !== (q.destinationShard ?? 0) || (q.sourceSubaccount ?? 0) !== (q.destinationSubaccount ?? 0), {
    message: 'source and destination are the same place: nothing would move',
    path: ['destination'],
  }));
const createInput = lazySchema(() => z.object({ exchangeIndex: shard.optional() }).strict());
const nettingInput = lazySchema(() => z.object({ subaccount: subaccountNumber, enabled: z.boolean() }).strict());
const pageQuery = (max: number) => z.object({ limit: z.number().int().min(1).max(max).optional(), cursor: z.string().min(1).max(2000).optional() }).strict();
const subaccountPage = lazySchema(() => pageQuery(1000));
const exchangePage = lazySchema(() => pageQuery(500));
const allocationInput = lazySchema(() => z
  .object({
    allocations: z.array(z.object({ exchangeIndex: z.number().int().min(0).max(100), percent: z.number().int().min(0).max(100) }).strict()).max(101),
    restingMarginReservation: z.enum(['none', 'max', 'sum']).optional(),
  })
  .strict()
  .refine((q) => new Set(q.allocations.map((a) => a.exchangeIndex)).size === q.allocations.length, { message: 'each exchangeIndex may appear once', path: ['allocations'] })
  .refine((q) => q.allocations.length === 0 || q.allocations.reduce((s, a) => s + a.percent, 0) === 100, { message: 'percentages must total 100 (or give none to turn rebalancing off)', path: ['allocations'] }));

// The answers' dollar strings, checked as part of each answer (answer-dollars.ts): text that is no amount is the server's bad answer.
const balancesAnswer = lazySchema(() => withDollarFields(g.GetSubaccountBalancesResponseSchema, (a) => a.subaccount_balances.map((b, i) => [['subaccount_balances', i, 'balance'], b.balance] as const)));
const exchangeTransfersAnswer = lazySchema(() => withDollarFields(g.GetIntraExchangeInstanceTransfersResponseSchema, (a) => a.transfers.map((t, i) => [['transfers', i, 'amount'], t.amount] as const)));
const exchangeTransferAnswer = lazySchema(() => withDollarFields(g.GetIntraExchangeInstanceTransferResponseSchema, (a) => [[['transfer', 'amount'], a.transfer.amount] as const]));

/** The calls, sending through `send` (the client's, which signs, limits, retries and checks). */
export function createKalshiSubaccountCalls(send: KalshiOperationSender): KalshiSubaccountCalls {
  const calls: KalshiSubaccountCalls = {
    subaccounts: {
      async create(input = {}, c) {
        const q = parseInput(PROVIDER, 'subaccounts.create', createInput, input);
        const res = await send('CreateSubaccount', g.CreateSubaccountResponseSchema, {
          body: { exchange_index: q.exchangeIndex },
          safety: 'unsafe',
          outcomeHint: 'subaccounts.balances() lists every subaccount: check whether a new number appeared before creating another.',
          call: c,
        });
        return { subaccount_number: res.subaccount_number };
      },
      async balances(c) {
        return (await send('GetSubaccountBalances', balancesAnswer, { call: c })).subaccount_balances;
      },
      async transfer(input, c) {
        const q = parseInput(PROVIDER, 'subaccounts.transfer', transferInput, input);
        const key = q.idempotencyKey ?? randomUUID();
        // Kalshi dedupes client_transfer_id, which every attempt carries; a lost answer is an
        // OutcomeUnknownError carrying it (the sender's), to repeat the transfer under.
        await send('ApplySubaccountTransfer', g.ApplySubaccountTransferResponseSchema, {
          body: { client_transfer_id: key, from_subaccount: q.from, to_subaccount: q.to, amount_cents: q.amount ?? q.amountCents, exchange_index: q.exchangeIndex },
          safety: 'idempotent',
          idempotencyKey: key,
          call: c,
        });
        return { idempotencyKey: key };
      },
      transfers: cursorList(PROVIDER, (p) => p.transfers, (p) => p.cursor, async (query = {}, c) => {
        const q = parseInput(PROVIDER, 'subaccounts.transfers', subaccountPage, query);
        return send('GetSubaccountTransfers', g.GetSubaccountTransfersResponseSchema, { query: { limit: q.limit, cursor: q.cursor }, call: c });
      }),
      allTransfers(query = {}, c) {
        parseInput(PROVIDER, 'subaccounts.allTransfers', subaccountPage, query);
        return itemsWhenIterated(() => calls.subaccounts.transfers(query, c));
      },
      async netting(c) {
        return (await send('GetSubaccountNetting', g.GetSubaccountNettingResponseSchema, { call: c })).netting_configs;
      },
      async setNetting(input, c) {
        const q = parseInput(PROVIDER, 'subaccounts.setNetting', nettingInput, input);
        await send('UpdateSubaccountNetting', z.unknown(), { body: { subaccount_number: q.subaccount, enabled: q.enabled }, safety: 'idempotent', call: c });
      },
    },
    exchangeTransfers: {
      async create(input, c) {
        const q = parseInput(PROVIDER, 'exchangeTransfers.create', exchangeTransferInput, input);
        const res = await send('IntraExchangeInstanceTransfer', g.IntraExchangeInstanceTransferResponseSchema, {
          body: {
            source: q.source,
            destination: q.destination,
            // Kalshi counts this amount in centicents (1/100 of a cent).
            amount: q.amount ?? q.amountCents! * 100,
            source_exchange_shard: q.sourceShard,
            destination_exchange_shard: q.destinationShard,
            source_subaccount: q.sourceSubaccount,
            destination_subaccount: q.destinationSubaccount,
          },
          safety: 'unsafe',
          outcomeHint: 'exchangeTransfers.list() lists your transfers newest first: look for this one before sending it again.',
          call: c,
        });
        return { transfer_id: res.transfer_id };
      },
      list: cursorList(PROVIDER, (p) => p.transfers, (p) => p.cursor, async (query = {}, c) => {
        const q = parseInput(PROVIDER, 'exchangeTransfers.list', exchangePage, query);
        return send('GetIntraExchangeInstanceTransfers', exchangeTransfersAnswer, { query: { limit: q.limit, cursor: q.cursor }, call: c });
      }),
      all(query = {}, c) {
        parseInput(PROVIDER, 'exchangeTransfers.all', exchangePage, query);
        return itemsWhenIterated(() => calls.exchangeTransfers.list(query, c));
      },
      async get(id, c) {
        const t = parseInput(PROVIDER, 'exchangeTransfers.get', transferId, id);
        return (await send('GetIntraExchangeInstanceTransfer', exchangeTransferAnswer, { params: { transfer_id: t }, call: c })).transfer;
      },
    },
    targetAllocation: {
      get: (c) => send('GetTargetBalanceAllocation', g.GetTargetBalanceAllocationResponseSchema, { call: c }),
      async set(input, c) {
        const q = parseInput(PROVIDER, 'targetAllocation.set', allocationInput, input);
        await send('SetTargetBalanceAllocation', g.EmptyResponseSchema, {
          body: { allocations: q.allocations.map((a) => ({ exchange_index: a.exchangeIndex, percent: a.percent })), resting_margin_reservation: q.restingMarginReservation },
          // It replaces the allocation: sending it twice sets the same value.
          safety: 'idempotent',
          call: c,
        });
      },
    },
  };
  return calls;
}
