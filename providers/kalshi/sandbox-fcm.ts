/**
 * The sandbox's FCM routes (spec tag `fcm`). A sandbox user is not an FCM member — every FCM
 * route answers them 403, as the spec documents — until a test makes them one with
 * `makeFcmMember(sandbox, userId)`. A member's subtraders, daily caps and blocked categories
 * are stored; each subtrader comes with a fixed trading history (four orders on the seeded
 * markets, their fills, the positions they leave), the same for the same subtrader and
 * creation time, which the fills, orders and positions routes serve with every filter.
 */
import { createHash } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../../src/testkit/server.js';
import type { KalshiSandbox, KalshiSandboxKit } from './sandbox.js';
import { formatCount, formatMicros, formatPrice, parseCount, parsePrice } from './sandbox-matching.js';

interface FcmOrder {
  order_id: string;
  user_id: string;
  client_order_id: string;
  ticker: string;
  outcome_side: 'yes' | 'no';
  book_side: 'bid' | 'ask';
  type: 'limit';
  status: 'resting' | 'canceled' | 'executed';
  yes_price_dollars: string;
  no_price_dollars: string;
  fill_count_fp: string;
  remaining_count_fp: string;
  initial_count_fp: string;
  taker_fill_cost_dollars: string;
  maker_fill_cost_dollars: string;
  taker_fees_dollars: string;
  maker_fees_dollars: string;
  created_time: string;
  last_update_time: string;
  self_trade_prevention_type: 'taker_at_cross';
  exchange_index: number;
}
interface FcmFillRow {
  fill_id: string;
  exchange_index: number;
  ticker: string;
  taker_outcome_side: 'yes' | 'no';
  count_fp: string;
  yes_price_dollars: string;
  created_time: string;
  taker_order_id: string;
  taker_subtrader_id: string;
  taker_fee_cost: string;
}
interface PositionRow {
  ticker: string;
  event_ticker: string;
  /** Whole contracts; negative = NO. */
  position: number;
  cost: bigint;
  traded: bigint;
  realized: bigint;
  fees: bigint;
  updated: number;
}
interface Subtrader {
  id: string;
  /** Daily premium cap, µ$, when one is set. */
  cap: bigint | undefined;
  categories: Set<string>;
  orders: FcmOrder[];
  fills: FcmFillRow[];
  positions: PositionRow[];
  /** µ$ that resting orders reserve at worst (cost plus taker fee). */
  resting: bigint;
}
interface Member {
  subtraders: Map<string, Subtrader>;
}

const members = new WeakMap<KalshiSandbox, Map<string, Member>>();

/**
 * Make a sandbox user an FCM member (they have no subtraders yet); the FCM routes then
 * answer them instead of refusing with 403.
 */
export function makeFcmMember(sandbox: KalshiSandbox, userId: string): void {
  if (!sandbox.users.has(userId)) throw new Error(`makeFcmMember: no sandbox user ${userId}`);
  let m = members.get(sandbox);
  if (!m) members.set(sandbox, (m = new Map()));
  if (!m.has(userId)) m.set(userId, { subtraders: new Map() });
}

const MICROS_PER_DOLLAR = 1_000_000n;
const PRICE_SCALE = 10_000;
const iso = (ms: number): string => new Date(ms).toISOString();
/** A UUID-shaped id that depends only on `text`. */
const stableId = (text: string): string => {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** Kalshi's taker fee, ⌈0.07 × C × P × (1 − P)⌉ to the cent, in µ$ (P in 1/10 000 dollars). */
const takerFee = (contracts: number, price: number): bigint => {
  const exact = 7n * BigInt(contracts) * BigInt(price) * BigInt(PRICE_SCALE - price); // 1e-10 $
  return ((exact + 99_999_999n) / 100_000_000n) * 10_000n;
};
const micros = (contracts: number, price: number): bigint => (BigInt(contracts) * BigInt(price) * MICROS_PER_DOLLAR) / BigInt(PRICE_SCALE);
/** The New York calendar date of a moment, `YYYY-MM-DD`. */
const newYorkDate = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

/** The fixed history of the `index`-th subtrader created at `createdMs` (see the file comment). */
function history(sandbox: KalshiSandbox, id: string, index: number, createdMs: number): Pick<Subtrader, 'orders' | 'fills' | 'positions' | 'resting'> {
  const markets = sandbox.markets;
  const market = (k: number) => markets[(index + k) % markets.length]!;
  const base = Math.floor(createdMs / 1000) * 1000;
  // side, YES price, contracts, the fills' sizes, status, minutes before the creation.
  const plan: { m: number; side: 'bid' | 'ask'; price: number; initial: number; fills: number[]; status: FcmOrder['status']; ago: number }[] = [
    { m: 0, side: 'bid', price: 4000 + 100 * (index % 5), initial: 10, fills: [6, 4], status: 'executed', ago: 60 },
    { m: 1, side: 'ask', price: 6000, initial: 5, fills: [2], status: 'canceled', ago: 30 },
    { m: 1, side: 'bid', price: 5800, initial: 2, fills: [2], status: 'executed', ago: 20 },
    { m: 2, side: 'bid', price: 2500, initial: 3, fills: [], status: 'resting', ago: 10 },
  ];
  const orders: FcmOrder[] = [];
  const fills: FcmFillRow[] = [];
  const positions = new Map<string, PositionRow>();
  let resting = 0n;
  plan.forEach((o, i) => {
    const m = market(o.m);
    const created = base - o.ago * 60_000;
    const orderId = stableId(`${id}:order:${i}`);
    const paid = o.side === 'bid' ? o.price : PRICE_SCALE - o.price;
    let filled = 0;
    let cost = 0n;
    let fees = 0n;
    o.fills.forEach((count, j) => {
      const at = created + (j + 1) * 10_000;
      const fee = takerFee(count, o.price);
      fills.push({ fill_id: stableId(`${id}:fill:${i}:${j}`), exchange_index: 0, ticker: m.ticker, taker_outcome_side: o.side === 'bid' ? 'yes' : 'no', count_fp: formatCount(count * 100), yes_price_dollars: formatPrice(o.price), created_time: iso(at), taker_order_id: orderId, taker_subtrader_id: id, taker_fee_cost: formatMicros(fee) });
      filled += count;
      cost += micros(count, paid);
      fees += fee;
      const p = positions.get(m.ticker) ?? { ticker: m.ticker, event_ticker: m.event_ticker, position: 0, cost: 0n, traded: 0n, realized: 0n, fees: 0n, updated: at };
      const signed = o.side === 'bid' ? count : -count;
      // Buying the side opposite to what is held closes pairs, each of which pays $1.
      const closing = Math.sign(p.position) === -Math.sign(signed) ? Math.min(Math.abs(p.position), count) : 0;
      if (closing > 0) {
        const held = (p.cost * BigInt(closing)) / BigInt(Math.abs(p.position));
        p.realized += BigInt(closing) * MICROS_PER_DOLLAR - held - micros(closing, paid);
        p.cost -= held;
      }
      p.cost += micros(count - closing, paid);
      p.position += signed;
      p.traded += micros(count, paid);
      p.fees += fee;
      p.updated = at;
      positions.set(m.ticker, p);
    });
    const remaining = o.status === 'resting' ? o.initial - filled : 0;
    if (remaining > 0) resting += micros(remaining, paid) + takerFee(remaining, o.price);
    orders.push({
      order_id: orderId, user_id: id, client_order_id: `${id.slice(id.lastIndexOf('_') + 1)}-${i + 1}`, ticker: m.ticker,
      outcome_side: o.side === 'bid' ? 'yes' : 'no', book_side: o.side, type: 'limit', status: o.status,
      yes_price_dollars: formatPrice(o.price), no_price_dollars: formatPrice(PRICE_SCALE - o.price),
      fill_count_fp: formatCount(filled * 100), remaining_count_fp: formatCount(remaining * 100), initial_count_fp: formatCount(o.initial * 100),
      taker_fill_cost_dollars: formatMicros(cost), maker_fill_cost_dollars: '0.0000', taker_fees_dollars: formatMicros(fees), maker_fees_dollars: '0.0000',
      created_time: iso(created), last_update_time: iso(created + 60_000), self_trade_prevention_type: 'taker_at_cross', exchange_index: 0,
    });
  });
  // Newest first, as Kalshi lists them.
  return { orders: orders.reverse(), fills: fills.reverse(), positions: [...positions.values()], resting };
}

const forbidden: SandboxResponse = { status: 403, body: { code: 'forbidden', message: 'requires an unrestricted FCM member API key', details: '' } };
const noSubtrader: SandboxResponse = { status: 404, body: { code: 'not_found', message: 'subtrader not found for this FCM', details: '' } };
const bodyOf = (req: SandboxRequest): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});
const msOf = (v: string | null): number | undefined => (v === null ? undefined : Number(v) * 1000);

/** Install the routes (see the file comment). */
export function installFcm(kit: KalshiSandboxKit): void {
  const { sandbox } = kit;
  /** A route for members only: others get 403. */
  const member = (handler: (req: SandboxRequest, m: Member, userId: string) => SandboxResponse) =>
    kit.signed('read', (req, k) => {
      const m = members.get(sandbox)?.get(k.user.id);
      return m ? handler(req, m, k.user.id) : forbidden;
    });
  const badSeconds = (req: SandboxRequest, ...names: string[]): SandboxResponse | undefined => {
    for (const n of names) {
      const v = req.query.get(n);
      if (v !== null && !(/^\d{1,11}$/.test(v))) return kit.invalid(n, 'must be a Unix timestamp in seconds');
    }
    return undefined;
  };
  const badLimit = (req: SandboxRequest): SandboxResponse | undefined => {
    const v = req.query.get('limit');
    return v !== null && !(/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000) ? kit.invalid('limit', 'must be an integer from 1 to 1000') : undefined;
  };
  const badCursor = (req: SandboxRequest): SandboxResponse | undefined => {
    const c = req.query.get('cursor');
    return c && !/^\d+$/.test(Buffer.from(c, 'base64url').toString()) ? kit.invalid('cursor', 'is not a cursor this endpoint returned') : undefined;
  };
  const within = (req: SandboxRequest, ms: number): boolean => {
    const min = msOf(req.query.get('min_ts'));
    const max = msOf(req.query.get('max_ts'));
    return (min === undefined || ms >= min) && (max === undefined || ms <= max);
  };
  const requiredId = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

  kit.route('GET', '/fcm/fills', member((req, m) => {
    const bad = badSeconds(req, 'min_ts', 'max_ts') ?? badCursor(req);
    if (bad) return bad;
    const rows = [...m.subtraders.values()].flatMap((s) => s.fills).filter((f) => within(req, Date.parse(f.created_time))).sort((a, b) => Date.parse(b.created_time) - Date.parse(a.created_time));
    const { page, cursor } = kit.page(req, rows, 100);
    return { status: 200, body: { fills: page, cursor } };
  }));

  kit.route('GET', '/fcm/orders', member((req, m) => {
    const bad = badSeconds(req, 'min_ts', 'max_ts') ?? badLimit(req) ?? badCursor(req);
    if (bad) return bad;
    const sid = req.query.get('subtrader_id');
    const ids = req.query.get('client_order_ids')?.split(',').filter(Boolean);
    if (!sid && !ids?.length) return kit.invalid('subtrader_id', 'subtrader_id or client_order_ids is required');
    if (ids && ids.length > 100) return kit.invalid('client_order_ids', 'at most 100');
    const status = req.query.get('status');
    if (status !== null && !['resting', 'canceled', 'executed'].includes(status)) return kit.invalid('status', 'must be resting, canceled or executed');
    let pool: Subtrader[] = [...m.subtraders.values()];
    if (sid) {
      const s = m.subtraders.get(sid);
      if (!s) return noSubtrader;
      pool = [s];
    }
    const ticker = req.query.get('ticker');
    const event = req.query.get('event_ticker');
    const dayAgo = Date.now() - 86_400_000;
    const eventOf = (t: string): string | undefined => sandbox.markets.find((x) => x.ticker === t)?.event_ticker;
    const rows = pool.flatMap((s) => s.orders).filter((o) => {
      const created = Date.parse(o.created_time);
      return (!ids || (ids.includes(o.client_order_id) && created >= dayAgo)) && (!ticker || o.ticker === ticker) && (!event || eventOf(o.ticker) === event) && (!status || o.status === status) && within(req, created);
    }).sort((a, b) => Date.parse(b.created_time) - Date.parse(a.created_time));
    const { page, cursor } = kit.page(req, rows, 100);
    return { status: 200, body: { orders: page, cursor } };
  }));

  kit.route('GET', '/fcm/positions', member((req, m) => {
    const bad = badLimit(req) ?? badCursor(req);
    if (bad) return bad;
    const sid = req.query.get('subtrader_id');
    if (!sid) return kit.invalid('subtrader_id', 'is required (this key is not bound to a subtrader)');
    const s = m.subtraders.get(sid);
    if (!s) return noSubtrader;
    const filters = req.query.get('count_filter')?.split(',').filter(Boolean) ?? [];
    if (filters.some((f) => f !== 'position' && f !== 'total_traded')) return kit.invalid('count_filter', 'values are position and total_traded');
    const settlement = req.query.get('settlement_status') ?? 'unsettled';
    if (!['all', 'unsettled', 'settled'].includes(settlement)) return kit.invalid('settlement_status', 'must be all, unsettled or settled');
    const ticker = req.query.get('ticker');
    const event = req.query.get('event_ticker');
    const rows = s.positions.filter((p) => {
      const settled = sandbox.engine.market(p.ticker)?.status === 'settled';
      const nonZero = !filters.length || filters.some((f) => (f === 'position' ? p.position !== 0 : p.traded !== 0n));
      return (settlement === 'all' || settled === (settlement === 'settled')) && (!ticker || p.ticker === ticker) && (!event || p.event_ticker === event) && nonZero;
    });
    const { page, cursor } = kit.page(req, rows, 100);
    const events = new Map<string, { cost: bigint; shares: number; realized: bigint; fees: bigint }>();
    for (const p of rows) {
      const e = events.get(p.event_ticker) ?? { cost: 0n, shares: 0, realized: 0n, fees: 0n };
      events.set(p.event_ticker, { cost: e.cost + p.cost, shares: e.shares + Math.abs(p.position), realized: e.realized + p.realized, fees: e.fees + p.fees });
    }
    return {
      status: 200,
      body: {
        cursor,
        market_positions: page.map((p) => ({ ticker: p.ticker, exchange_index: 0, total_traded_dollars: formatMicros(p.traded), position_fp: formatCount(p.position * 100), market_exposure_dollars: formatMicros(p.cost), realized_pnl_dollars: formatMicros(p.realized), fees_paid_dollars: formatMicros(p.fees), last_updated_ts: iso(p.updated) })),
        // Event positions come with the first page only.
        event_positions: req.query.get('cursor') ? [] : [...events].map(([event_ticker, e]) => ({ event_ticker, total_cost_dollars: formatMicros(e.cost), total_cost_shares_fp: formatCount(e.shares * 100), event_exposure_dollars: formatMicros(e.cost), realized_pnl_dollars: formatMicros(e.realized), fees_paid_dollars: formatMicros(e.fees) })),
      },
    };
  }));

  kit.route('GET', '/fcm/subtraders', member((_req, m) => ({
    status: 200,
    body: { subtraders: [...m.subtraders.values()].map((s) => ({ subtrader_id: s.id, exchange_indices: [0], trading_blocked: false, fcm_trading_blocked: false, propagation_pending: false })) },
  })));
  kit.route('POST', '/fcm/subtraders', member((req, m, userId) => {
    const suffix = bodyOf(req).subtrader_suffix;
    if (typeof suffix !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(suffix)) return kit.invalid('subtrader_suffix', 'must be 1-16 ASCII letters and digits');
    const id = `${userId}_${suffix}`;
    if (m.subtraders.has(id)) return { status: 409, body: { code: 'conflict', message: 'subtrader already exists', details: '' } };
    m.subtraders.set(id, { id, cap: undefined, categories: new Set(), ...history(sandbox, id, m.subtraders.size, Date.now()) });
    return { status: 201, body: { subtrader_id: id } };
  }));

  const capPath = '/fcm/subtraders/event_contract_daily_cap';
  kit.route('GET', capPath, member((req, m) => {
    const sid = req.query.get('subtrader_id');
    if (!requiredId(sid)) return kit.invalid('subtrader_id', 'is required (this key is not bound to a subtrader)');
    const s = m.subtraders.get(sid);
    if (!s) return noSubtrader;
    if (s.cap === undefined) return { status: 404, body: { code: 'not_found', message: 'no daily cap is configured for this subtrader', details: '' } };
    const now = Date.now();
    const today = newYorkDate(now);
    // Net premium of today's fills: what a buy of YES or of NO paid.
    let executed = 0n;
    for (const f of s.fills) {
      if (newYorkDate(Date.parse(f.created_time)) !== today) continue;
      const yes = parsePrice(f.yes_price_dollars)!;
      // Count units are hundredths of a contract.
      executed += micros(parseCount(f.count_fp)!, f.taker_outcome_side === 'yes' ? yes : PRICE_SCALE - yes) / 100n;
    }
    return { status: 200, body: { subtrader_id: s.id, limit: formatMicros(s.cap), executed_utilization: formatMicros(executed), resting_order_utilization: formatMicros(s.resting), pending_order_utilization: '0.0000', cap_date: today } };
  }));
  kit.route('PUT', capPath, member((req, m) => {
    const b = bodyOf(req);
    if (!requiredId(b.subtrader_id)) return kit.invalid('subtrader_id', 'is required');
    if (typeof b.limit !== 'string' || !/^\d+\.\d{2,4}$/.test(b.limit)) return kit.invalid('limit', 'must be a fixed-point dollar string with 2-4 decimals');
    const s = m.subtraders.get(b.subtrader_id);
    if (!s) return noSubtrader;
    const [whole, frac] = b.limit.split('.') as [string, string];
    s.cap = BigInt(whole) * MICROS_PER_DOLLAR + BigInt(frac.padEnd(6, '0'));
    return { status: 200, body: {} };
  }));
  kit.route('DELETE', capPath, member((req, m) => {
    const sid = req.query.get('subtrader_id');
    if (!requiredId(sid)) return kit.invalid('subtrader_id', 'is required');
    const s = m.subtraders.get(sid);
    if (!s) return noSubtrader;
    // Removing a cap that is not set changes nothing: a repeat is harmless.
    s.cap = undefined;
    return { status: 200, body: {} };
  }));

  const blockedPath = '/fcm/subtraders/blocked_categories';
  kit.route('GET', blockedPath, member((req, m) => {
    const sid = req.query.get('subtrader_id');
    if (!requiredId(sid)) return kit.invalid('subtrader_id', 'is required');
    const s = m.subtraders.get(sid);
    // The spec lists no 404 here: a subtrader that is not this FCM's is forbidden.
    if (!s) return { status: 403, body: { code: 'forbidden', message: 'the subtrader does not belong to this FCM', details: '' } };
    return { status: 200, body: { categories: [...s.categories].sort() } };
  }));
  kit.route('PUT', blockedPath, member((req, m) => {
    const b = bodyOf(req);
    if (!requiredId(b.subtrader_id)) return kit.invalid('subtrader_id', 'is required');
    if (typeof b.category !== 'string' || b.category.length < 1 || b.category.length > 100) return kit.invalid('category', 'must be 1-100 characters');
    if (typeof b.blocked !== 'boolean') return kit.invalid('blocked', 'must be true or false');
    const s = m.subtraders.get(b.subtrader_id);
    if (!s) return noSubtrader;
    if (b.blocked) s.categories.add(b.category);
    else s.categories.delete(b.category);
    return { status: 200, body: { categories: [...s.categories].sort() } };
  }));
}
