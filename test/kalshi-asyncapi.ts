/**
 * The Kalshi AsyncAPI document as a test oracle: loads reference/kalshi-asyncapi.yaml and
 * checks a frame against the payload schema of its message with a small JSON Schema
 * subset (type, const, enum, required, properties, items, min/maxItems, minimum, pattern,
 * format uuid/date-time, $ref) — the keywords the document uses for payloads.
 *
 * Uses the `yaml` package, which is in node_modules through typedoc and vite but is not a
 * declared devDependency of marketmux.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

const ASYNCAPI_PATH = new URL('../../shared/reference/kalshi-asyncapi.yaml', import.meta.url);

let cached: Schema | undefined;
/** The parsed AsyncAPI document. */
export function asyncApi(): Schema {
  cached ??= parse(readFileSync(ASYNCAPI_PATH, 'utf8')) as Schema;
  return cached;
}

const components = (): { messages: Record<string, Schema>; schemas: Record<string, Schema> } => asyncApi().components as { messages: Record<string, Schema>; schemas: Record<string, Schema> };

function resolve(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i += 1) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = components().schemas[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    // A $ref next to other keywords (description) keeps the target's constraints.
    s = target;
  }
  return s;
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** Every violation of `schema` by `value`, as `path: problem`. */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const s = resolve(schema);
  const problems: string[] = [];
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    const actual = typeOf(value);
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return [`${path}: expected ${types.join('|')}, got ${actual}`];
  }
  if ('const' in s && value !== s.const) problems.push(`${path}: expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof s.minimum === 'number' && typeof value === 'number' && value < s.minimum) problems.push(`${path}: below minimum ${s.minimum}`);
  if (typeof s.pattern === 'string' && typeof value === 'string' && !new RegExp(s.pattern).test(value)) problems.push(`${path}: does not match ${s.pattern}`);
  if (s.format === 'uuid' && typeof value === 'string' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) problems.push(`${path}: not a uuid`);
  if (s.format === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value))) problems.push(`${path}: not a date-time`);
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of (s.required as string[] | undefined) ?? []) if (!(key in obj)) problems.push(`${path}.${key}: required`);
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, sub] of Object.entries(props)) if (key in obj) problems.push(...validate(sub, obj[key], `${path}.${key}`));
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) problems.push(`${path}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) problems.push(`${path}: more than ${s.maxItems} items`);
    if (s.items) value.forEach((item, i) => problems.push(...validate(s.items as Schema, item, `${path}[${i}]`)));
  }
  return problems;
}

/** The payload schema of a component message (`orderbookDelta`, `errorResponse` …). */
export function messagePayload(messageName: string): Schema {
  const message = components().messages[messageName];
  if (!message) throw new Error(`no message ${messageName} in the AsyncAPI`);
  return message.payload as Schema;
}

/** The AsyncAPI messages a server frame of this `type` may be. */
const MESSAGES_BY_TYPE: Record<string, string[]> = {
  subscribed: ['subscribedResponse'],
  unsubscribed: ['unsubscribedResponse'],
  ok: ['okResponse', 'listSubscriptionsResponse'],
  error: ['errorResponse'],
  orderbook_snapshot: ['orderbookSnapshot'],
  orderbook_delta: ['orderbookDelta'],
  ticker: ['ticker'],
  trade: ['trade'],
  fill: ['fill'],
  user_order: ['userOrder'],
  market_position: ['marketPosition'],
  market_lifecycle_v2: ['marketLifecycleV2', 'marketMetadataUpdated'],
  event_lifecycle: ['eventLifecycle'],
  event_fee_update: ['eventFeeUpdate'],
  order_group_updates: ['orderGroupUpdates'],
  rfq_created: ['rfqCreated'],
  rfq_deleted: ['rfqDeleted'],
  quote_created: ['quoteCreated'],
  quote_accepted: ['quoteAccepted'],
  quote_executed: ['quoteExecuted'],
};

/** The violations of one server frame against the AsyncAPI ([] when it is valid). */
export function validateServerFrame(frame: unknown): string[] {
  const type = (frame as { type?: unknown } | null)?.type;
  const names = typeof type === 'string' ? MESSAGES_BY_TYPE[type] : undefined;
  if (!names) return [`$.type: ${JSON.stringify(type)} is no server message of the AsyncAPI`];
  let best: string[] | undefined;
  for (const name of names) {
    const problems = validate(messagePayload(name), frame);
    if (problems.length === 0) return [];
    if (!best || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

/** Every example payload of the messages the server sends, with its message name. */
export function serverMessageExamples(): { message: string; payload: unknown }[] {
  const out: { message: string; payload: unknown }[] = [];
  const wanted = new Set(Object.values(MESSAGES_BY_TYPE).flat());
  for (const [name, message] of Object.entries(components().messages)) {
    if (!wanted.has(name)) continue;
    for (const example of (message.examples as { payload: unknown }[] | undefined) ?? []) out.push({ message: name, payload: example.payload });
  }
  return out;
}

/** The `x-error-codes` list. */
export function documentedErrorCodes(): number[] {
  return ((asyncApi()['x-error-codes'] as { codes: { code: number }[] }).codes).map((c) => c.code);
}
