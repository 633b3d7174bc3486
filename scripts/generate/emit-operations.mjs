/**
 * One OpenAPI document (+ an optional overlay of facts the document lacks) → the text of a
 * TypeScript module: zod schemas of every component, and an operation table. Deterministic:
 * the same inputs give the same bytes. Knows no provider: everything provider-specific
 * comes from the target (scripts/generate/targets.json) and its overlay.
 */
import { createHash } from 'node:crypto';
import { deref, listOperations, refName } from './load-spec.mjs';
import { key, lit, summary, typeText, zodOf } from './zod-emitter.mjs';

/** `PricesPaginatedResponse_MarketItem_` → `PricesPaginatedResponseMarketItem`. */
export function identifier(name) {
  const parts = String(name).split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  return /^[0-9]/.test(id) ? `S${id}` : id;
}

/** Every `$ref` under a node. */
function refsOf(node, out = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, out));
  else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/schemas/')) out.add(refName(node.$ref));
    for (const [k, v] of Object.entries(node)) if (k !== '$ref') refsOf(v, out);
  }
  return out;
}

/** Components reachable from some roots, through the components' own refs. */
function closure(doc, roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const name = stack.pop();
    if (seen.has(name)) continue;
    const schema = doc.components?.schemas?.[name];
    if (!schema) throw new Error(`dangling schema ref ${name}`);
    seen.add(name);
    stack.push(...refsOf(schema));
  }
  return seen;
}

/** Components in an order where each comes after what it refers to (names sorted for ties). */
function dependencyOrder(doc, names) {
  const order = [];
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`recursive schemas are not supported yet: ${[...trail, name].join(' → ')}`);
    state.set(name, 'visiting');
    for (const dep of [...refsOf(doc.components.schemas[name])].sort()) visit(dep, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...names].sort()) visit(name, []);
  return order;
}

/** The spec with the overlay's extra operations added as path items. */
function withOverlay(doc, overlay) {
  const merged = JSON.parse(JSON.stringify(doc));
  for (const extra of overlay.extraOperations ?? []) {
    const { method, path, ...op } = extra;
    merged.paths[path] ??= {};
    const m = method.toLowerCase();
    if (merged.paths[path][m]) throw new Error(`overlay: ${method} ${path} is already in the spec`);
    merged.paths[path][m] = { ...op, 'x-overlay': true };
  }
  return merged;
}

const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json$/;

/** The body schema of a request or response `content` map, and its media type. */
function contentOf(content) {
  const entries = Object.entries(content ?? {}).sort(([a], [b]) => (JSON_TYPES.test(b) ? 1 : 0) - (JSON_TYPES.test(a) ? 1 : 0) || a.localeCompare(b));
  if (!entries.length) return undefined;
  const [mediaType, media] = entries[0];
  return { mediaType, schema: media.schema };
}

/**
 * A schema expression built on first use (`lazySchema`, src/validation.ts): constructing
 * every component at import is what importing a provider cost. A bare reference to another
 * constant stays as it is, so an alias is the very object it names, as before.
 * @param {string} code zod source text
 */
function deferred(code) {
  return /^[A-Za-z_$][\w$]*$/.test(code) ? code : `lazySchema(() => ${code})`;
}

/**
 * @param {object} input
 * @param {Record<string, any>} input.doc the OpenAPI document
 * @param {Record<string, any>} input.overlay facts the document lacks (tiers, extra operations, repeat safety)
 * @param {string} input.specLabel how the header names the spec
 * @param {string} input.specBytes the spec's text (its sha256 goes into the header)
 * @param {string} input.prefix identifier prefix of the table (`cs2cap`)
 * @param {string} [input.typePrefix] prefix of its type names (`Cs2Cap`; default: `prefix` capitalised)
 * @param {string} [input.validationImport] how the module imports src/validation.ts (default: from `providers/<name>/generated/`)
 * @returns {string} the module's text
 */
export function emitOperationsModule({ doc: rawDoc, overlay, specLabel, specBytes, prefix, typePrefix = identifier(prefix), validationImport = '../../../src/validation.js' }) {
  const doc = withOverlay(rawDoc, overlay);
  const operations = listOperations(doc).map(({ method, path, op, pathItem }) => ({ method, path, op, pathItem }));
  const known = new Set(operations.map((o) => o.op.operationId));
  for (const id of Object.keys(overlay.operations ?? {})) if (!known.has(id)) throw new Error(`overlay names an unknown operation ${id}`);

  // Which components requests reach and which answers reach: answers read enums openly.
  const requestRoots = new Set();
  const responseRoots = new Set();
  for (const { op, pathItem } of operations) {
    if (!op.operationId) throw new Error(`an operation has no operationId`);
    for (const p of [...(pathItem.parameters ?? []), ...(op.parameters ?? [])]) refsOf(deref(doc, p, 'parameters').schema, requestRoots);
    refsOf(contentOf(deref(doc, op.requestBody, 'requestBodies')?.content)?.schema, requestRoots);
    for (const r of Object.values(op.responses ?? {})) refsOf(contentOf(deref(doc, r, 'responses').content)?.schema, responseRoots);
  }
  const requestSide = closure(doc, requestRoots);
  const responseSide = closure(doc, responseRoots);
  const all = new Set([...Object.keys(doc.components?.schemas ?? {})]);
  const constName = (name, side) => `${identifier(name)}${side === 'request' && responseSide.has(name) ? 'Input' : ''}Schema`;
  const ctxFor = (side, where) => ({ openEnums: side === 'response', where, refIdentifier: (ref) => constName(refName(ref), side) });

  const lines = [];
  const hash = createHash('sha256').update(specBytes).digest('hex');
  lines.push(
    `// Generated by scripts/generate from ${specLabel} (sha256 ${hash}).`,
    '// Do not edit: change the spec, the overlay or the generator, then run `npm run generate`.',
    "import { z } from 'zod';",
    `import { lazySchema } from ${lit(validationImport)};`,
    '',
    '/** An enum of an answer: the values the spec lists, and any other string (new values appear without notice). */',
    'const openEnum = <const T extends readonly [string, ...string[]]>(values: T) => z.union([z.enum(values), z.string()]);',
    '',
  );

  for (const name of dependencyOrder(doc, all)) {
    const schema = doc.components.schemas[name];
    const sides = [];
    if (responseSide.has(name) || !requestSide.has(name)) sides.push('response');
    if (requestSide.has(name)) sides.push('request');
    for (const side of sides) {
      const id = constName(name, side);
      const typeName = id.replace(/Schema$/, '');
      const reading = side === 'response' ? 'as answers carry it (enums open)' : 'as requests send it (enums closed)';
      lines.push(`/** Spec component \`${name}\`, ${reading}: ${summary(schema, true).replace(/, required$/, '')}. */`);
      lines.push(`export const ${id} = ${deferred(zodOf(schema, ctxFor(side, `components.schemas.${name}`)))};`);
      lines.push(`/** Spec component \`${name}\` (${side === 'response' ? 'answer' : 'request'} reading), parsed. */`);
      lines.push(`export type ${typeName} = z.output<typeof ${id}>;`);
      lines.push('');
    }
  }

  lines.push(
    '/** How safe a request is to send twice: `read` always; `idempotent` repeating changes nothing more; `unsafe` never repeated. */',
    "export type RepeatSafetyFact = 'read' | 'idempotent' | 'unsafe';",
    '',
    '/** One parameter of an operation: where it goes, whether it is required, its type. */',
    'export interface ParameterFact {',
    '  /** `query`, `path` or `header`. */',
    "  readonly in: 'query' | 'path' | 'header' | 'cookie';",
    '  /** Whether the spec requires it. */',
    '  readonly required: boolean;',
    '  /** Type and bounds, as text (`integer (≥ 1)`, `AllProviders[]`). */',
    '  readonly type: string;',
    '  /** An array, sent as repeated keys. */',
    '  readonly repeated: boolean;',
    '}',
    '',
    '/** One status an operation can answer with: the media type and the schema of its body. */',
    'export interface ResponseFact {',
    '  /** `application/json`, `application/x-ndjson`, or none for an empty body. */',
    '  readonly mediaType: string | undefined;',
    '  /** The body, parsed (answer reading); `undefined` when the spec gives no body. */',
    '  readonly schema: z.ZodType | undefined;',
    '  /** The spec component of the body, when it is one. */',
    '  readonly component: string | undefined;',
    '}',
    '',
    '/** One operation of the API, as its spec (and the overlay) describes it. */',
    'export interface OperationFact {',
    "  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';",
    '  /** The path template as the spec writes it (`/v1/account/sub-keys/{key_id}`). */',
    '  readonly path: string;',
    '  /** Security schemes that may authenticate it (empty: none). */',
    '  readonly auth: readonly string[];',
    '  /** The lowest tier that may call it, where the overlay knows it. */',
    '  readonly tier: string | undefined;',
    '  /** How safe it is to send twice. */',
    '  readonly safety: RepeatSafetyFact;',
    "  /** `spec`, or `docs` for an operation the spec lacks and the overlay adds. */",
    "  readonly source: 'spec' | 'docs';",
    '  /** Parameters by name. */',
    '  readonly parameters: Readonly<Record<string, ParameterFact>>;',
    '  /** The request body, if any. */',
    '  readonly body: { readonly required: boolean; readonly mediaType: string; readonly schema: z.ZodType | undefined; readonly component: string | undefined } | undefined;',
    '  /** Every documented status. */',
    '  readonly responses: Readonly<Record<string, ResponseFact>>;',
    '}',
    '',
  );

  const tableName = `${prefix}Operations`;
  lines.push(`/** Every operation of ${specLabel}${(overlay.extraOperations ?? []).length ? ' and of the overlay' : ''}, by operationId. */`);
  lines.push(`export const ${tableName} = {`);
  const sorted = [...operations].sort((a, b) => a.op.operationId.localeCompare(b.op.operationId));
  for (const { method, path, op, pathItem } of sorted) {
    const id = op.operationId;
    const facts = overlay.operations?.[id] ?? {};
    const extra = (overlay.extraOperations ?? []).find((e) => e.operationId === id) ?? {};
    const tier = facts.tier ?? extra['x-tier'];
    const safety = facts.safety ?? extra['x-safety'] ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'unsafe');
    const security = op.security ?? doc.security ?? [];
    const auth = [...new Set(security.flatMap((s) => Object.keys(s)))].sort();
    lines.push(`  /** ${method} ${path}${tier ? `; tier ${tier}+` : ''}; ${safety}. */`);
    lines.push(`  ${key(id)}: {`);
    lines.push(`    method: ${lit(method)},`);
    lines.push(`    path: ${lit(path)},`);
    lines.push(`    auth: [${auth.map(lit).join(", ")}],`);
    lines.push(`    tier: ${tier ? lit(tier) : 'undefined'},`);
    lines.push(`    safety: ${lit(safety)},`);
    lines.push(`    source: ${op['x-overlay'] ? "'docs'" : "'spec'"},`);
    const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(doc, p, 'parameters'));
    if (params.length) {
      lines.push('    parameters: {');
      for (const p of params) {
        const t = typeText(p.schema);
        const repeated = /\[\]( \| null)?$/.test(t) || t.split(' | ').some((x) => x.endsWith('[]'));
        lines.push(`      ${key(p.name)}: { in: ${lit(p.in)}, required: ${p.required === true}, type: ${lit(t)}, repeated: ${repeated} },`);
      }
      lines.push('    },');
    } else lines.push('    parameters: {},');
    const body = deref(doc, op.requestBody, 'requestBodies');
    const bodyContent = contentOf(body?.content);
    if (bodyContent) {
      const component = bodyContent.schema?.$ref ? refName(bodyContent.schema.$ref) : undefined;
      const schema = bodyContent.schema ? deferred(zodOf(bodyContent.schema, ctxFor('request', `${id}.requestBody`))) : 'undefined';
      lines.push(`    body: { required: ${body.required === true}, mediaType: ${lit(bodyContent.mediaType)}, schema: ${schema}, component: ${component ? lit(component) : 'undefined'} },`);
    } else lines.push('    body: undefined,');
    lines.push('    responses: {');
    for (const status of Object.keys(op.responses ?? {}).sort()) {
      const content = contentOf(deref(doc, op.responses[status], 'responses').content);
      const component = content?.schema?.$ref ? refName(content.schema.$ref) : undefined;
      const schema = content?.schema ? deferred(zodOf(content.schema, ctxFor('response', `${id}.responses.${status}`))) : 'undefined';
      lines.push(`      ${status}: { mediaType: ${content ? lit(content.mediaType) : 'undefined'}, schema: ${schema}, component: ${component ? lit(component) : 'undefined'} },`);
    }
    lines.push('    },');
    lines.push('  },');
  }
  lines.push('} as const satisfies Record<string, OperationFact>;');
  lines.push('');
  lines.push(`/** The operationIds of \`${tableName}\`. */`);
  lines.push(`export type ${typePrefix}OperationId = keyof typeof ${tableName};`);
  lines.push('');
  return indentMultiline(lines.join('\n'));
}

/** Re-indents the bodies of multi-line object literals by their nesting depth (two spaces a level). */
function indentMultiline(text) {
  const out = [];
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) {
      out.push('');
      continue;
    }
    // Brackets inside strings, regexes and comments do not nest code.
    const code = line.replace(/\/\*\*.*?\*\//g, '').replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
    const net = (code.match(/[{[(]/g) ?? []).length - (code.match(/[}\])]/g) ?? []).length;
    // One level per line that opens, whatever it opens: `z.object({` is one block, not two.
    const level = Math.max(0, depth - (/^[}\])]/.test(code) ? 1 : 0));
    out.push('  '.repeat(level) + line);
    depth = Math.max(0, depth + Math.sign(net));
  }
  return out.join('\n');
}
