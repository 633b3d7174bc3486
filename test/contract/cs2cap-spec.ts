/**
 * The CS2Cap spec as a validator (ajv, JSON Schema 2020-12): of the sandbox's answers against
 * each operation's response schema per status, and of the client's requests against each
 * operation's parameters and body. The mdx-only routes come from the overlay the generator
 * reads. Where reference/cs2cap.md documents that an answer differs from the spec, the
 * reading allowed is listed here with its reason.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { operationOf } from '../../providers/cs2cap/operation-kit.js';
import { cs2capOperations, type Cs2CapOperationId } from '../../providers/cs2cap/generated/operations.js';

type Json = Record<string, unknown>;
type AjvInstance = InstanceType<typeof Ajv2020Module.default>;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

const root = resolve(import.meta.dirname, '../..');
const spec = JSON.parse(readFileSync(resolve(root, '../shared/reference/cs2cap-openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json };
const overlay = JSON.parse(readFileSync(resolve(root, 'providers/cs2cap/openapi-overlay.json'), 'utf8')) as { extraOperations: (Json & { method: string; path: string })[] };
for (const { method, path, ...op } of overlay.extraOperations) (spec.paths[path] ??= {})[method.toLowerCase()] = op;

/**
 * Statuses an operation answers that its spec entry lacks, each documented in
 * reference/cs2cap.md; their bodies must be an `ErrorResponse` (§4.1: every error uses it).
 */
export const UNLISTED_STATUSES: Partial<Record<Cs2CapOperationId, Record<number, string>>> = {
  getSubKey: { 404: '§4.2: 404 not found (an unknown child key)' },
  updateSubKey: { 404: '§4.2: 404 not found' },
  deleteSubKey: { 404: '§4.2: 404 not found' },
  reissueSubKey: { 404: '§4.2: 404 not found' },
  createSubKey: { 409: '§6.8: 409 past 25 child keys' },
  createWatchlistEntries: { 404: '§4.2: 404 not found (an unknown item)', 409: '§6.10: a duplicate returns 409; the size cap depends on tier' },
  deleteWatchlistEntry: { 404: '§4.2: 404 not found' },
  updateAlert: { 404: '§4.2: 404 not found' },
  deleteAlert: { 404: '§4.2: 404 not found' },
  createAlert: { 404: '§4.3: ITEM_NOT_FOUND' },
  updateWebhook: { 404: '§4.2: 404 not found' },
  deleteWebhook: { 404: '§4.2: 404 not found' },
  rotateWebhookSecret: { 404: '§4.2: 404 not found' },
  getWebhookDelivery: { 404: '§4.2: 404 not found' },
  getIndicators: { 404: '§4.2: 404 not found (an unknown item)' },
  getPriceCandles: { 404: '§4.2: 404 not found (an unknown item)' },
  updateTransaction: { 400: '§4.2: 400 bad request (a sell past the holdings)' },
  deleteTransaction: { 400: '§4.2: 400 bad request (it would leave a sale without holdings)' },
};

/**
 * Answers whose body may take another documented shape than the spec's schema: the schema
 * names the alternative (`ValidationErrorResponse` or `ErrorResponse`), and why.
 */
export const OTHER_READINGS: Partial<Record<Cs2CapOperationId, Record<number, { schema: string; why: string }>>> = {
  // The spec gives getIndicators' 422 as ErrorResponse (too little candle data); a 422 of parameter validation is a ValidationErrorResponse, as on every other operation.
  getIndicators: { 422: { schema: 'ValidationErrorResponse', why: '§4.1 #4: a 422 can carry either shape' } },
};

const ajv: AjvInstance = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec as unknown as object, 'spec');
/** For query parameters: strings arrive, the schema says integer or boolean. */
const coercing: AjvInstance = new Ajv2020({ strict: false, allErrors: true, coerceTypes: 'array' });
addFormats(coercing);
coercing.addSchema(spec as unknown as object, 'spec');

/** A schema taken out of the spec, its local `$ref`s pointing back into it. */
function inSpec(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inSpec);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : inSpec(v)]));
}

const pointer = (...parts: string[]): string => 'spec#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function operationEntry(id: Cs2CapOperationId): { op: Json; path: string; method: string } {
  const fact = cs2capOperations[id];
  return { op: spec.paths[fact.path]![fact.method.toLowerCase()] as Json, path: fact.path, method: fact.method.toLowerCase() };
}

function check(instance: AjvInstance, ref: string, data: unknown): string[] {
  const validate = instance.getSchema(ref);
  if (!validate) return [`no schema at ${ref}`];
  if (validate(data)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}

/** What is wrong with one answer (nothing: `[]`). */
export function answerProblems(exchange: { method: string; path: string; status: number; body: unknown; mediaType: string | undefined }): string[] {
  const id = operationOf(exchange.method, exchange.path.replace(/^\/v1/, ''));
  const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
  if (!id) return [`${where}: no operation of the spec`];
  const { op, path, method } = operationEntry(id);
  const responses = op.responses as Record<string, Json>;
  const entry = responses[String(exchange.status)];
  if (!entry) {
    const reason = UNLISTED_STATUSES[id]?.[exchange.status];
    if (!reason) return [`${where}: ${id} does not list status ${exchange.status}`];
    return check(ajv, 'spec#/components/schemas/ErrorResponse', exchange.body).map((p) => `${where} (${id}, unlisted: ${reason}): ${p}`);
  }
  const content = entry.content as Record<string, Json> | undefined;
  if (!content) return exchange.body === undefined || exchange.body === '' ? [] : [`${where}: the spec gives no body, the answer has one`];
  const mediaType = Object.keys(content).find((m) => m.includes('json'));
  if (!mediaType) return [];
  const problems = check(ajv, pointer('paths', path, method, 'responses', String(exchange.status), 'content', mediaType, 'schema'), exchange.body);
  if (!problems.length) return [];
  const other = OTHER_READINGS[id]?.[exchange.status];
  if (other && !check(ajv, `spec#/components/schemas/${other.schema}`, exchange.body).length) return [];
  return problems.map((p) => `${where} (${id}): ${p}`);
}

/** What is wrong with one request the client sent (nothing: `[]`). */
export function requestProblems(exchange: { method: string; path: string; query: URLSearchParams; body: unknown }): string[] {
  const id = operationOf(exchange.method, exchange.path.replace(/^\/v1/, ''));
  const where = `${exchange.method} ${exchange.path}`;
  if (!id) return [`${where}: no operation of the spec`];
  const { op, path } = operationEntry(id);
  const params = (op.parameters ?? []) as { name: string; in: string; required?: boolean; schema: Json }[];
  const problems: string[] = [];
  for (const name of new Set(exchange.query.keys())) if (!params.some((p) => p.in === 'query' && p.name === name)) problems.push(`${where} (${id}): query parameter ${name} is not in the spec`);
  const names: string[] = [];
  const pattern = new RegExp('^' + path.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)')) + '$');
  const m = pattern.exec(exchange.path);
  for (const p of params) {
    const isArray = JSON.stringify(p.schema).includes('"type":"array"');
    let value: unknown;
    if (p.in === 'query') value = exchange.query.has(p.name) ? (isArray ? exchange.query.getAll(p.name) : exchange.query.get(p.name)) : undefined;
    else if (p.in === 'path') value = m ? decodeURIComponent(m[names.indexOf(p.name) + 1] ?? '') : undefined;
    else continue;
    if (value === undefined) {
      if (p.required) problems.push(`${where} (${id}): required ${p.in} parameter ${p.name} is missing`);
      continue;
    }
    const holder = { value };
    const validate = coercing.compile({ type: 'object', properties: { value: inSpec(p.schema) } });
    if (!validate(holder)) problems.push(`${where} (${id}): ${p.in} parameter ${p.name}=${JSON.stringify(value)}: ${coercing.errorsText(validate.errors)}`);
  }
  const body = op.requestBody as { required?: boolean; content: Record<string, { schema: Json }> } | undefined;
  if (!body && exchange.body !== undefined) problems.push(`${where} (${id}): a body, where the spec takes none`);
  if (body) {
    if (exchange.body === undefined) {
      if (body.required) problems.push(`${where} (${id}): the required body is missing`);
    } else {
      const mediaType = Object.keys(body.content).find((t) => t.includes('json'));
      if (mediaType) problems.push(...check(ajv, pointer('paths', path, operationEntry(id).method, 'requestBody', 'content', mediaType, 'schema'), exchange.body).map((p) => `${where} (${id}) body: ${p}`));
    }
  }
  return problems;
}

/** What is wrong with a value as one spec component (an NDJSON row, say). */
export function componentProblems(component: string, value: unknown): string[] {
  return check(ajv, `spec#/components/schemas/${component}`, value);
}
