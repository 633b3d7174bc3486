/**
 * The Kalshi spec (reference/kalshi-openapi.yaml, OpenAPI 3.0.0) as a validator (ajv 8,
 * JSON Schema draft-07): of the sandbox's answers against each operation's response schema per
 * status, and of the client's requests against each operation's parameters and body. OpenAPI
 * 3.0's `nullable` is rewritten into JSON Schema first (`type: [t, 'null']`, or `anyOf` a null
 * beside a `$ref`/`allOf`, which is what the spec's authors mean there). Where
 * reference/kalshi.md §11 (or the section it points to) documents that the API differs from the
 * spec, the reading allowed is listed here with its reference — nothing else is excused.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { kalshiOperations, type KalshiOperationId } from '../../providers/kalshi/generated/operations.js';

type Json = Record<string, unknown>;
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;
type AjvInstance = InstanceType<typeof Ajv>;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

const root = resolve(import.meta.dirname, '../..');
const PREFIX = '/trade-api/v2';

/** OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a null type (see the file comment). */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Json;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, toJsonSchema(v)])) as Json;
  if (nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'], ...(Array.isArray(out.enum) ? { enum: [...(out.enum as unknown[]), null] } : {}) };
  return { anyOf: [out, { type: 'null' }] };
}

const spec = toJsonSchema(parseYaml(readFileSync(resolve(root, '../shared/reference/kalshi-openapi.yaml'), 'utf8'))) as { paths: Record<string, Record<string, Json>>; components: Json };

/**
 * Statuses the sandbox answers that an operation's spec entry does not list; their bodies are
 * checked as an `ErrorResponse`. `*` applies to every operation. Each with its
 * reference/kalshi.md section; the two marked "undocumented" are reported (kalshi.md is silent).
 */
export const UNLISTED_STATUSES: Partial<Record<KalshiOperationId | '*', Record<number, string>>> = {
  // Every request draws on a token bucket; the spec lists 429 on five operations only.
  '*': { 429: '§4.1 (429 rule) and §11 #9: any request past its token bucket gets 429 {"error": "too many requests"}' },
  GetSeries: { 404: 'undocumented: kalshi.md §7.1 gives no errors for GET /series/{series_ticker}; an unknown series is 404 like an unknown market or event (GetMarket, GetEvent list 404)' },
  GetMarketCandlesticksByEvent: { 404: 'undocumented: kalshi.md is silent; an event not in the series is 404 like GetMarketCandlesticks (which lists it)' },
};

/**
 * Error statuses the spec lists with a description only (no body): Kalshi answers every error
 * with a JSON error body (reference/kalshi.md §5: `ErrorResponse {code, message, details}`,
 * §3.1 notes "no bodies declared"; §11 #9: normalise the shapes), so such a body is checked as
 * an `ErrorResponse`.
 */
export const ERROR_BODY_WHERE_THE_SPEC_HAS_NONE = '§5 / §11 #9: every error carries an ErrorResponse body, where the spec declares none';

/**
 * Parameters the API takes that the spec lacks or types differently, per reference/kalshi.md.
 * Empty: every parameter the client sends is the spec's.
 */
export const OTHER_PARAMETERS: Partial<Record<KalshiOperationId, Record<string, string>>> = {};

const ajv: AjvInstance = new Ajv({ strict: false, allErrors: true });
/** For query and path parameters: strings arrive, the schema says integer or boolean. */
const coercing: AjvInstance = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array' });
for (const instance of [ajv, coercing]) {
  addFormats(instance);
  // OpenAPI's numeric formats: the type already says it; the ranges are not JSON Schema's business here.
  for (const f of ['int32', 'int64', 'double', 'float']) instance.addFormat(f, true);
  instance.addSchema(spec as unknown as object, 'spec');
}

/** A schema taken out of the spec, its local `$ref`s pointing back into it. */
function inSpec(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inSpec);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : inSpec(v)]));
}

/** Follow a local `$ref` (`#/components/responses/X`) to its object. */
function deref<T>(node: T): T {
  const ref = (node as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  return deref(ref.slice(2).split('/').reduce<unknown>((o, part) => (o as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')], spec) as T);
}

const pointer = (...parts: string[]): string => 'spec#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const COMPILED = (Object.entries(kalshiOperations) as [KalshiOperationId, (typeof kalshiOperations)[KalshiOperationId]][])
  .map(([id, op]) => {
    const names: string[] = [];
    const pattern = new RegExp('^' + op.path.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)')) + '$');
    return { id, method: op.method as string, path: op.path as string, pattern, names };
  })
  // A literal segment wins over a parameter (`/markets/orderbooks` before `/markets/{ticker}`).
  .sort((a, b) => a.names.length - b.names.length || b.path.length - a.path.length);

/** The operation a request is (by method and path template), its path parameters read out. */
export function kalshiOperationOf(method: string, fullPath: string): { id: KalshiOperationId; params: Record<string, string> } | undefined {
  const path = fullPath.startsWith(PREFIX) ? fullPath.slice(PREFIX.length) : fullPath;
  for (const op of COMPILED) {
    if (op.method !== method) continue;
    const m = op.pattern.exec(path);
    if (m) return { id: op.id, params: Object.fromEntries(op.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])) };
  }
  return undefined;
}

function operationEntry(id: KalshiOperationId): { op: Json; path: string; method: string } {
  const fact = kalshiOperations[id];
  return { op: spec.paths[fact.path]![fact.method.toLowerCase()] as Json, path: fact.path, method: fact.method.toLowerCase() };
}

function check(instance: AjvInstance, ref: string, data: unknown): string[] {
  const validate = instance.getSchema(ref);
  if (!validate) return [`no schema at ${ref}`];
  if (validate(data)) return [];
  return (validate.errors ?? []).slice(0, 6).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}

/** What is wrong with one answer (nothing: `[]`). `body` is `undefined` for an empty body. */
export function answerProblems(exchange: { method: string; path: string; status: number; body: unknown }): string[] {
  const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
  const found = kalshiOperationOf(exchange.method, exchange.path);
  if (!found) return [`${where}: no operation of the spec`];
  const { id } = found;
  const { op, path, method } = operationEntry(id);
  const responses = op.responses as Record<string, Json>;
  const listed = responses[String(exchange.status)];
  if (!listed) {
    const reason = UNLISTED_STATUSES[id]?.[exchange.status] ?? UNLISTED_STATUSES['*']?.[exchange.status];
    if (!reason) return [`${where}: ${id} does not list status ${exchange.status}`];
    return check(ajv, 'spec#/components/schemas/ErrorResponse', exchange.body).map((p) => `${where} (${id}, unlisted: ${reason}): ${p}`);
  }
  const entry = deref(listed);
  const content = entry.content as Record<string, Json> | undefined;
  if (!content) {
    if (exchange.body === undefined) return [];
    if (exchange.status < 400) return [`${where} (${id}): the spec gives no body, the answer has one`];
    return check(ajv, 'spec#/components/schemas/ErrorResponse', exchange.body).map((p) => `${where} (${id}, ${ERROR_BODY_WHERE_THE_SPEC_HAS_NONE}): ${p}`);
  }
  if (exchange.body === undefined) return [`${where} (${id}): the spec gives a body, the answer has none`];
  const ref = listed.$ref === undefined
    ? pointer('paths', path, method, 'responses', String(exchange.status), 'content', 'application/json', 'schema')
    : pointer(...(listed.$ref as string).slice(2).split('/'), 'content', 'application/json', 'schema');
  return check(ajv, ref, exchange.body).map((p) => `${where} (${id}): ${p}`);
}

/** What is wrong with one request the client sent (nothing: `[]`). */
export function requestProblems(exchange: { method: string; path: string; query: URLSearchParams; body: unknown }): string[] {
  const where = `${exchange.method} ${exchange.path}`;
  const found = kalshiOperationOf(exchange.method, exchange.path);
  if (!found) return [`${where}: no operation of the spec`];
  const { id, params: pathValues } = found;
  const { op, path, method } = operationEntry(id);
  const params = ((op.parameters ?? []) as Json[]).map((p) => deref(p) as { name: string; in: string; required?: boolean; schema: Json });
  const problems: string[] = [];
  for (const name of new Set(exchange.query.keys())) {
    if (!params.some((p) => p.in === 'query' && p.name === name) && !OTHER_PARAMETERS[id]?.[name]) problems.push(`${where} (${id}): query parameter ${name} is not in the spec`);
  }
  for (const p of params) {
    const isArray = JSON.stringify(deref(p.schema)).includes('"type":"array"');
    let value: unknown;
    if (p.in === 'query') value = exchange.query.has(p.name) ? (isArray ? exchange.query.getAll(p.name) : exchange.query.get(p.name)) : undefined;
    else if (p.in === 'path') value = pathValues[p.name];
    else continue;
    if (value === undefined) {
      if (p.required) problems.push(`${where} (${id}): required ${p.in} parameter ${p.name} is missing`);
      continue;
    }
    const validate = coercing.compile({ type: 'object', properties: { value: inSpec(p.schema) } });
    if (!validate({ value })) problems.push(`${where} (${id}): ${p.in} parameter ${p.name}=${JSON.stringify(value)}: ${coercing.errorsText(validate.errors)}`);
  }
  const body = op.requestBody as { required?: boolean; content: Record<string, { schema: Json }> } | undefined;
  if (!body && exchange.body !== undefined) problems.push(`${where} (${id}): a body, where the spec takes none`);
  if (body) {
    if (exchange.body === undefined) {
      if (body.required) problems.push(`${where} (${id}): the required body is missing`);
    } else {
      problems.push(...check(ajv, pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema'), exchange.body).map((p) => `${where} (${id}) body: ${p}`));
    }
  }
  return problems;
}

/** What is wrong with a value as one spec component. */
export function componentProblems(component: string, value: unknown): string[] {
  return check(ajv, `spec#/components/schemas/${component}`, value);
}
