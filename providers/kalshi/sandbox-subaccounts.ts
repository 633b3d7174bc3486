/**
 * The sandbox's subaccounts, transfers and target balance allocation. Cash lives in the
 * matching engine: each subaccount is its own engine account — the primary (0) is the user's
 * own account id, numbered ones `<userId>/sub/<n>` — and cash on another exchange shard or on
 * the margined instance is one more account (`<base>/<instance>/<shard>`, see
 * `exchangeAccountId`). A transfer is one `engine.transferCash`, so a user's cash is
 * conserved and `GET /portfolio/balance` (the primary account) shows each move. Orders placed
 * on a subaccount are not routed here (the order routes belong to the core).
 */
import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../../src/testkit/server.js';
import type { KalshiSandbox, KalshiSandboxKit } from './sandbox.js';
import { formatMicros } from './sandbox-matching.js';

/** Kalshi's limit of numbered subaccounts per user (64 accounts with the primary). */
const MAX_SUBACCOUNTS = 63;
const MAX_SHARD = 100;
const MICROS_PER_CENT = 10_000n;
const MICROS_PER_CENTICENT = 100n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tiers below this one may not create subaccounts (the spec: "Advanced API tier and above"). */
const BELOW_ADVANCED = new Set(['basic']);
const RESERVATIONS = new Set(['none', 'max', 'sum']);

type Instance = 'event_contract' | 'margined';

interface SubaccountTransferRow {
  transfer_id: string;
  from_subaccount: number;
  to_subaccount: number;
  amount_cents: number;
  created_ts: number;
  exchange_index: number;
}
interface ExchangeTransferRow {
  transfer_id: string;
  source: Instance;
  destination: Instance;
  source_exchange_shard: number;
  destination_exchange_shard: number;
  amount: string;
  status: 'pending' | 'complete';
  created_ts: number;
}
interface UserMoney {
  /** Numbered subaccounts created so far: they are 1..count. */
  count: number;
  netting: Map<number, boolean>;
  /** Newest first. */
  transfers: SubaccountTransferRow[];
  /** client_transfer_id → what it moved, so a repeat moves nothing. */
  byClientId: Map<string, string>;
  /** Newest first. */
  exchangeTransfers: ExchangeTransferRow[];
  allocations: { exchange_index: number; percent: number }[];
  reservation: string;
  /** Event-contract shards other than 0 that hold (or held) cash of a subaccount: `<n>:<shard>`. */
  shards: Set<string>;
  /** Unix seconds of the last change of each subaccount's cash. */
  updated: Map<number, number>;
}

const states = new WeakMap<KalshiSandbox, Map<string, UserMoney>>();

/** The engine account of a user's subaccount (0 = primary) on an event-contract shard (default 0). */
export function subaccountAccountId(userId: string, subaccount: number, exchangeIndex = 0): string {
  return exchangeAccountId(userId, 'event_contract', exchangeIndex, subaccount);
}

/** The engine account of a user's cash on one exchange instance and shard (subaccounts: event contracts only). */
export function exchangeAccountId(userId: string, instance: Instance, shard: number, subaccount = 0): string {
  const base = subaccount === 0 ? userId : `${userId}/sub/${subaccount}`;
  return instance === 'event_contract' && shard === 0 ? base : `${base}/${instance}/${shard}`;
}

/**
 * A subaccount's free cash (µ$) on one event-contract shard, or on all of them when
 * `exchangeIndex` is not given (as `GET /portfolio/balance` counts).
 */
export function subaccountCashMicros(sandbox: KalshiSandbox, userId: string, subaccount: number, exchangeIndex?: number): bigint {
  const cash = (shard: number): bigint => sandbox.engine.account(subaccountAccountId(userId, subaccount, shard))?.available ?? 0n;
  if (exchangeIndex !== undefined) return cash(exchangeIndex);
  let total = cash(0);
  for (const s of stateOf(sandbox, userId).shards) {
    const [n, shard] = s.split(':').map(Number);
    if (n === subaccount) total += cash(shard!);
  }
  return total;
}

function stateOf(sandbox: KalshiSandbox, userId: string): UserMoney {
  let users = states.get(sandbox);
  if (!users) states.set(sandbox, (users = new Map()));
  let s = users.get(userId);
  if (!s) {
    const now = seconds();
    s = { count: 0, netting: new Map([[0, true]]), transfers: [], byClientId: new Map(), exchangeTransfers: [], allocations: [], reservation: 'sum', shards: new Set(), updated: new Map([[0, now]]) };
    users.set(userId, s);
  }
  return s;
}

const seconds = (): number => Math.floor(Date.now() / 1000);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const bodyOf = (req: SandboxRequest): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});
const badRequest = (code: string, message: string): SandboxResponse => ({ status: 400, body: { code, message, details: '' } });

/** Install the routes (see the file comment). */
export function installSubaccounts(kit: KalshiSandboxKit): void {
  const { sandbox } = kit;
  const engine = sandbox.engine;

  /** `limit` within 1..max and a cursor `kit.page` made, or a 400. */
  const badPage = (req: SandboxRequest, max: number): SandboxResponse | undefined => {
    const limit = req.query.get('limit');
    if (limit !== null && !(/^\d+$/.test(limit) && isInt(Number(limit), 1, max))) return kit.invalid('limit', `must be an integer from 1 to ${max}`);
    const cursor = req.query.get('cursor');
    if (cursor && !/^\d+$/.test(Buffer.from(cursor, 'base64url').toString())) return kit.invalid('cursor', 'is not a cursor this endpoint returned');
    return undefined;
  };
  const exists = (s: UserMoney, n: unknown): n is number => isInt(n, 0, s.count);
  const touch = (s: UserMoney, subaccount: number, shard: number): void => {
    if (shard !== 0) s.shards.add(`${subaccount}:${shard}`);
    s.updated.set(subaccount, seconds());
  };
  const refused = (reason: 'non_positive' | 'same_account' | 'insufficient_funds'): SandboxResponse =>
    reason === 'insufficient_funds' ? badRequest('insufficient_funds', 'the source has less available cash than the amount') : badRequest('invalid_parameters', reason === 'same_account' ? 'source and destination are the same account' : 'amount must be above 0');

  kit.route('POST', '/portfolio/subaccounts', kit.signed('read', (req, k) => {
    const b = bodyOf(req);
    if (b.exchange_index !== undefined && !isInt(b.exchange_index, 0, MAX_SHARD)) return kit.invalid('exchange_index', 'must be a non-negative integer');
    if (BELOW_ADVANCED.has(k.user.tier)) return badRequest('insufficient_api_usage_level', 'subaccounts need the Advanced API usage level or above');
    const s = stateOf(sandbox, k.user.id);
    if (s.count >= MAX_SUBACCOUNTS) return badRequest('subaccount_limit_reached', `at most ${MAX_SUBACCOUNTS} numbered subaccounts per user`);
    const n = ++s.count;
    s.netting.set(n, true);
    s.updated.set(n, seconds());
    return { status: 201, body: { subaccount_number: n } };
  }));

  kit.route('GET', '/portfolio/subaccounts/balances', kit.signed('read', (_req, k) => {
    const s = stateOf(sandbox, k.user.id);
    const rows: Record<string, unknown>[] = [];
    for (let n = 0; n <= s.count; n++) {
      const shards = [0, ...[...s.shards].filter((x) => x.startsWith(`${n}:`)).map((x) => Number(x.split(':')[1]))].sort((a, b) => a - b);
      for (const shard of shards) rows.push({ subaccount_number: n, exchange_index: shard, balance: formatMicros(subaccountCashMicros(sandbox, k.user.id, n, shard)), updated_ts: s.updated.get(n) ?? seconds() });
    }
    return { status: 200, body: { subaccount_balances: rows } };
  }));

  kit.route('POST', '/portfolio/subaccounts/transfer', kit.signed('read', (req, k) => {
    const b = bodyOf(req);
    if (typeof b.client_transfer_id !== 'string' || !UUID.test(b.client_transfer_id)) return kit.invalid('client_transfer_id', 'must be a UUID');
    if (!isInt(b.from_subaccount, 0, MAX_SUBACCOUNTS)) return kit.invalid('from_subaccount', 'must be an integer from 0 to 63');
    if (!isInt(b.to_subaccount, 0, MAX_SUBACCOUNTS)) return kit.invalid('to_subaccount', 'must be an integer from 0 to 63');
    if (!isInt(b.amount_cents, 1, Number.MAX_SAFE_INTEGER)) return kit.invalid('amount_cents', 'must be a positive integer number of cents');
    if (b.exchange_index !== undefined && !isInt(b.exchange_index, 0, MAX_SHARD)) return kit.invalid('exchange_index', 'must be a non-negative integer');
    const shard = (b.exchange_index as number | undefined) ?? 0;
    const s = stateOf(sandbox, k.user.id);
    const what = JSON.stringify([b.from_subaccount, b.to_subaccount, b.amount_cents, shard]);
    const earlier = s.byClientId.get(b.client_transfer_id.toLowerCase());
    // The id was used: the same transfer again moves nothing; another one under it is refused.
    if (earlier !== undefined) return earlier === what ? { status: 200, body: {} } : badRequest('invalid_parameters', 'client_transfer_id was already used for a different transfer');
    if (b.from_subaccount === b.to_subaccount) return badRequest('invalid_parameters', 'from_subaccount and to_subaccount are the same');
    if (!exists(s, b.from_subaccount)) return badRequest('subaccount_not_found', `subaccount ${b.from_subaccount} does not exist`);
    if (!exists(s, b.to_subaccount)) return badRequest('subaccount_not_found', `subaccount ${b.to_subaccount} does not exist`);
    const moved = engine.transferCash(subaccountAccountId(k.user.id, b.from_subaccount, shard), subaccountAccountId(k.user.id, b.to_subaccount, shard), BigInt(b.amount_cents) * MICROS_PER_CENT);
    if (!moved.ok) return refused(moved.reason);
    s.byClientId.set(b.client_transfer_id.toLowerCase(), what);
    touch(s, b.from_subaccount, shard);
    touch(s, b.to_subaccount, shard);
    s.transfers.unshift({ transfer_id: randomUUID(), from_subaccount: b.from_subaccount, to_subaccount: b.to_subaccount, amount_cents: b.amount_cents, created_ts: seconds(), exchange_index: shard });
    return { status: 200, body: {} };
  }));

  kit.route('GET', '/portfolio/subaccounts/transfers', kit.signed('read', (req, k) => {
    // The spec gives this list no 400: a bad limit or cursor is ignored, as Kalshi is seen to (kalshi.md §6.3).
    const query = new URLSearchParams(req.query);
    if (badPage({ ...req, query: new URLSearchParams({ limit: query.get('limit') ?? '1' }) }, 1000)) query.delete('limit');
    if (query.get('cursor') && badPage({ ...req, query: new URLSearchParams({ cursor: query.get('cursor')! }) }, 1000)) query.delete('cursor');
    const { page, cursor } = kit.page({ ...req, query }, stateOf(sandbox, k.user.id).transfers, 100);
    return { status: 200, body: { transfers: page, ...(cursor ? { cursor } : {}) } };
  }));

  kit.route('GET', '/portfolio/subaccounts/netting', kit.signed('read', (_req, k) => {
    const s = stateOf(sandbox, k.user.id);
    const rows = [];
    for (let n = 0; n <= s.count; n++) rows.push({ subaccount_number: n, enabled: s.netting.get(n) ?? true, exchange_index: 0 });
    return { status: 200, body: { netting_configs: rows } };
  }));
  kit.route('PUT', '/portfolio/subaccounts/netting', kit.signed('read', (req, k) => {
    const b = bodyOf(req);
    const s = stateOf(sandbox, k.user.id);
    if (!isInt(b.subaccount_number, 0, MAX_SUBACCOUNTS)) return kit.invalid('subaccount_number', 'must be an integer from 0 to 63');
    if (typeof b.enabled !== 'boolean') return kit.invalid('enabled', 'must be true or false');
    if (!exists(s, b.subaccount_number)) return badRequest('subaccount_not_found', `subaccount ${b.subaccount_number} does not exist`);
    s.netting.set(b.subaccount_number, b.enabled);
    // The spec's 200 here has no body.
    return { status: 200 };
  }));

  kit.route('POST', '/portfolio/intra_exchange_instance_transfer', kit.signed('read', (req, k) => {
    const b = bodyOf(req);
    const instance = (v: unknown): v is Instance => v === 'event_contract' || v === 'margined';
    if (!instance(b.source)) return kit.invalid('source', 'must be event_contract or margined');
    if (!instance(b.destination)) return kit.invalid('destination', 'must be event_contract or margined');
    if (!isInt(b.amount, 1, Number.MAX_SAFE_INTEGER)) return kit.invalid('amount', 'must be a positive integer number of centicents');
    for (const f of ['source_exchange_shard', 'destination_exchange_shard'] as const) if (b[f] !== undefined && !isInt(b[f], 0, MAX_SHARD)) return kit.invalid(f, 'must be an integer from 0 to 100');
    for (const f of ['source_subaccount', 'destination_subaccount'] as const) if (b[f] !== undefined && !isInt(b[f], 0, MAX_SUBACCOUNTS)) return kit.invalid(f, 'must be an integer from 0 to 63');
    const from = { instance: b.source, shard: (b.source_exchange_shard as number | undefined) ?? 0, sub: (b.source_subaccount as number | undefined) ?? 0 };
    const to = { instance: b.destination, shard: (b.destination_exchange_shard as number | undefined) ?? 0, sub: (b.destination_subaccount as number | undefined) ?? 0 };
    const bothEvent = from.instance === 'event_contract' && to.instance === 'event_contract';
    if (!bothEvent && (from.sub !== 0 || to.sub !== 0)) return badRequest('invalid_parameters', 'subaccounts are only supported for event contract to event contract transfers');
    const s = stateOf(sandbox, k.user.id);
    if (!exists(s, from.sub) || !exists(s, to.sub)) return badRequest('subaccount_not_found', 'the source or destination subaccount does not exist');
    // Same instance and shard: Kalshi treats it as a subaccount transfer, which moves whole cents.
    const asSubaccountTransfer = bothEvent && from.shard === to.shard;
    if (asSubaccountTransfer && b.amount % 100 !== 0) return kit.invalid('amount', 'a transfer between subaccounts moves whole cents (multiples of 100 centicents)');
    const moved = engine.transferCash(exchangeAccountId(k.user.id, from.instance, from.shard, from.sub), exchangeAccountId(k.user.id, to.instance, to.shard, to.sub), BigInt(b.amount) * MICROS_PER_CENTICENT);
    if (!moved.ok) return refused(moved.reason);
    const id = randomUUID();
    const now = seconds();
    if (from.instance === 'event_contract') touch(s, from.sub, from.shard);
    if (to.instance === 'event_contract') touch(s, to.sub, to.shard);
    s.exchangeTransfers.unshift({ transfer_id: id, source: from.instance, destination: to.instance, source_exchange_shard: from.shard, destination_exchange_shard: to.shard, amount: formatMicros(BigInt(b.amount) * MICROS_PER_CENTICENT), status: 'complete', created_ts: now });
    if (asSubaccountTransfer) s.transfers.unshift({ transfer_id: id, from_subaccount: from.sub, to_subaccount: to.sub, amount_cents: b.amount / 100, created_ts: now, exchange_index: from.shard });
    return { status: 200, body: { transfer_id: id } };
  }));
  kit.route('GET', '/portfolio/intra_exchange_instance_transfers', kit.signed('read', (req, k) => {
    const bad = badPage(req, 500);
    if (bad) return bad;
    const { page, cursor } = kit.page(req, stateOf(sandbox, k.user.id).exchangeTransfers, 100);
    return { status: 200, body: { transfers: page, ...(cursor ? { cursor } : {}) } };
  }));
  kit.route('GET', '/portfolio/intra_exchange_instance_transfers/:id', kit.signed('read', (req, k) => {
    const t = stateOf(sandbox, k.user.id).exchangeTransfers.find((x) => x.transfer_id === req.params.id);
    return t ? { status: 200, body: { transfer: t } } : { status: 404, body: { code: 'not_found', message: 'transfer not found', details: '' } };
  }));

  kit.route('GET', '/portfolio/target_balance_allocation', kit.signed('read', (_req, k) => {
    const s = stateOf(sandbox, k.user.id);
    return { status: 200, body: { allocations: s.allocations, resting_margin_reservation: s.reservation } };
  }));
  kit.route('POST', '/portfolio/target_balance_allocation', kit.signed('read', (req, k) => {
    const b = bodyOf(req);
    if (!Array.isArray(b.allocations) || b.allocations.length > 101) return kit.invalid('allocations', 'must be an array of at most 101 allocations');
    const rows: { exchange_index: number; percent: number }[] = [];
    for (const [i, a] of (b.allocations as unknown[]).entries()) {
      const r = (a ?? {}) as Record<string, unknown>;
      if (!isInt(r.exchange_index, 0, MAX_SHARD)) return kit.invalid(`allocations[${i}].exchange_index`, 'must be a non-negative integer');
      if (!isInt(r.percent, 0, 100)) return kit.invalid(`allocations[${i}].percent`, 'must be an integer from 0 to 100');
      if (rows.some((x) => x.exchange_index === r.exchange_index)) return kit.invalid(`allocations[${i}].exchange_index`, 'appears twice');
      rows.push({ exchange_index: r.exchange_index, percent: r.percent });
    }
    if (rows.length && rows.reduce((t, r) => t + r.percent, 0) !== 100) return kit.invalid('allocations', 'percentages must total 100');
    if (b.resting_margin_reservation !== undefined && !RESERVATIONS.has(b.resting_margin_reservation as string)) return kit.invalid('resting_margin_reservation', 'must be none, max or sum');
    const s = stateOf(sandbox, k.user.id);
    s.allocations = rows.sort((x, y) => x.exchange_index - y.exchange_index);
    s.reservation = (b.resting_margin_reservation as string | undefined) ?? 'sum';
    return { status: 200, body: {} };
  }));
}
