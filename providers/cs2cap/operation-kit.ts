/**
 * Sends one operation of the generated table through the client's one sender: its method,
 * path and repeat safety come from the spec (and the overlay), its answer is parsed with the
 * spec's schema unless the caller gives another. Also the tier gate: an operation whose tier
 * the key's tier does not reach is refused before it is sent, once the tier is known.
 */
import { z } from 'zod';
import { CapabilityError } from '../../src/errors.js';
import { pathSegment, type QueryParams } from '../../src/http/query.js';
import type { CallOptions, RequestSender } from '../../src/http/request-sender.js';
import { cs2capOperations, type Cs2CapOperationId } from './generated/operations.js';
import type { Cs2CapTier } from './limits.js';

const PROVIDER = 'cs2cap';
/** The API's path prefix, which the client's base URL already holds. */
const VERSION_PREFIX = '/v1';

type Responses<Id extends Cs2CapOperationId> = (typeof cs2capOperations)[Id]['responses'];
/** The schema of an operation's success answer (200, else 201), from the spec. */
type SuccessSchema<Id extends Cs2CapOperationId> = Responses<Id> extends { 200: { schema: infer S } } ? S : Responses<Id> extends { 201: { schema: infer S } } ? S : undefined;
/** What an operation's success answer parses to. */
export type OperationAnswer<Id extends Cs2CapOperationId> = SuccessSchema<Id> extends z.ZodType ? z.output<SuccessSchema<Id>> : undefined;

/** One call of an operation. */
export interface OperationCall<T> {
  /** Values of the path template's `{name}` segments (each encoded with `pathSegment`). */
  readonly pathParams?: Readonly<Record<string, string | number>> | undefined;
  readonly query?: QueryParams | undefined;
  readonly body?: unknown;
  /** For an unsafe operation: how the caller can tell whether it happened. */
  readonly outcomeHint?: string | undefined;
  /** Parse the answer with this instead of the spec's schema (where reference/cs2cap.md says the answers differ from it). */
  readonly schema?: z.ZodType<T> | undefined;
  readonly call?: CallOptions | undefined;
}

/** The client path of an operation, its `{name}` segments filled in. */
export function operationPath(id: Cs2CapOperationId, params: Readonly<Record<string, string | number>> = {}): string {
  const template = cs2capOperations[id].path.slice(VERSION_PREFIX.length);
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`cs2cap: ${id} needs the path parameter ${name}`);
    return pathSegment(value, PROVIDER);
  });
}

/** Send operations of the table through `sender`. */
export function createOperationSender(sender: Pick<RequestSender, 'send' | 'sendStream'>) {
  function sendOperation<Id extends Cs2CapOperationId>(id: Id, input?: OperationCall<never> & { schema?: undefined }): Promise<OperationAnswer<Id>>;
  function sendOperation<Id extends Cs2CapOperationId, T>(id: Id, input: OperationCall<T> & { schema: z.ZodType<T> }): Promise<T>;
  function sendOperation(id: Cs2CapOperationId, input: OperationCall<unknown> = {}): Promise<unknown> {
    const op = cs2capOperations[id];
    const responses = op.responses as Record<string, { schema: z.ZodType | undefined }>;
    const schema = input.schema ?? responses['200']?.schema ?? responses['201']?.schema ?? z.unknown();
    return sender.send({
      method: op.method,
      path: operationPath(id, input.pathParams),
      query: input.query,
      body: input.body,
      limitClass: 'default',
      safety: op.safety,
      outcomeHint: op.safety === 'unsafe' ? input.outcomeHint : undefined,
      schema,
      call: input.call,
    });
  }
  return sendOperation;
}

/** The tiers from lowest to highest. */
const TIER_ORDER: readonly Cs2CapTier[] = ['free', 'starter', 'pro', 'quant'];

interface CompiledOperation {
  readonly id: Cs2CapOperationId;
  readonly method: string;
  readonly pattern: RegExp;
  readonly tier: Cs2CapTier | undefined;
}

const COMPILED: readonly CompiledOperation[] = Object.entries(cs2capOperations)
  .map(([id, op]) => ({
    id: id as Cs2CapOperationId,
    method: op.method,
    // A literal segment outranks a parameter: `/account/alerts/events` is not `/account/alerts/{alert_id}`.
    literalSegments: op.path.split('/').filter((s) => s && !s.startsWith('{')).length,
    pattern: new RegExp('^' + op.path.slice(VERSION_PREFIX.length).replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}|\{\w+\}/g, '[^/]+') + '$'),
    tier: op.tier as Cs2CapTier | undefined,
  }))
  .sort((a, b) => b.literalSegments - a.literalSegments)
  .map(({ literalSegments: _l, ...op }) => op);

/** The operation a request is, by method and client path (`/account/sub-keys/abc`). */
export function operationOf(method: string, path: string): Cs2CapOperationId | undefined {
  return COMPILED.find((op) => op.method === method && op.pattern.test(path))?.id;
}

/**
 * What a key's tier allows. The tier is unknown until the server names it (the
 * `X-RateLimit-Tier` header) or the key's metadata shows it; until then nothing is refused
 * here and the server's answer decides.
 */
export class Cs2CapTierGate {
  #tier: Cs2CapTier | undefined;

  /** The tier, when known. */
  get tier(): Cs2CapTier | undefined {
    return this.#tier;
  }

  /** Learn the tier (a value this version does not know is ignored: the server decides then). */
  learn(tier: string | undefined): void {
    if (tier !== undefined && (TIER_ORDER as readonly string[]).includes(tier)) this.#tier = tier as Cs2CapTier;
  }

  /** Throws `CapabilityError` if the key's known tier is below the operation's. */
  check(method: string, path: string): void {
    if (this.#tier === undefined) return;
    const id = operationOf(method, path);
    const needed = id === undefined ? undefined : cs2capOperations[id].tier;
    if (needed === undefined || TIER_ORDER.indexOf(this.#tier) >= TIER_ORDER.indexOf(needed as Cs2CapTier)) return;
    throw new CapabilityError({
      provider: PROVIDER,
      code: 'capability_missing',
      message: `cs2cap: ${id} needs the ${needed} tier or higher; this key is on the ${this.#tier} tier`,
      method,
      path,
      details: { operation: id, tierNeeded: needed, tier: this.#tier },
    });
  }
}

/**
 * The tier a key's metadata shows: its effective monthly quota, when no override lowers it,
 * is its tier's (reference/cs2cap.md §3.1).
 */
export function tierOfKeyInfo(info: { quota_requests_per_month_override?: number | null | undefined; effective_quota_requests_per_month?: number | undefined }): Cs2CapTier | undefined {
  if (info.quota_requests_per_month_override != null) return undefined;
  const byQuota: Record<number, Cs2CapTier> = { 1_000: 'free', 50_000: 'starter', 500_000: 'pro', 1_000_000: 'quant' };
  return info.effective_quota_requests_per_month === undefined ? undefined : byQuota[info.effective_quota_requests_per_month];
}
