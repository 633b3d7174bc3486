/**
 * JSON Schema (OpenAPI 3.0 and 3.1 dialects) → zod 4 source text, plus a one-line summary
 * of each schema's facts (type, bounds, format, nullability) for TSDoc. Only facts are
 * carried over: a spec's prose (`description`, `title`, examples) never reaches the output.
 * A keyword it does not know stops the generator, so a new spec construct is noticed.
 */

/** Keywords that say nothing a parser checks: skipped (formats and defaults go into the summary). */
const ANNOTATIONS = new Set([
  'title', 'description', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'externalDocs', 'xml',
  'discriminator', '$comment', 'default', 'format', 'uniqueItems', 'contentMediaType', 'contentEncoding',
]);
/** Keywords the emitter turns into checks. */
const CHECKS = new Set([
  '$ref', 'type', 'nullable', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'properties', 'required', 'additionalProperties',
  'items', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf',
]);

/**
 * @typedef {object} EmitContext
 * @property {(ref: string) => string} refIdentifier the emitted schema constant a `$ref` stands for
 * @property {boolean} openEnums whether enums also accept values the spec does not list (answers: new values appear)
 * @property {string} where a location for error messages
 */

/** @param {Record<string, any>} node @param {string} where */
function checkKeywords(node, where) {
  for (const key of Object.keys(node)) {
    if (key.startsWith('x-') || ANNOTATIONS.has(key) || CHECKS.has(key)) continue;
    throw new Error(`${where}: JSON Schema keyword "${key}" is not supported by scripts/generate/zod-emitter.mjs`);
  }
}

/** Splits `anyOf`/`oneOf`/`type: [..., 'null']` into the non-null alternatives and whether null is allowed. */
function splitNull(node) {
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) {
    const rest = alternatives.filter((a) => !(a && a.type === 'null' && Object.keys(a).every((k) => k === 'type' || ANNOTATIONS.has(k))));
    return { rest, nullable: rest.length < alternatives.length || node.nullable === true };
  }
  if (Array.isArray(node.type)) {
    const types = node.type.filter((t) => t !== 'null');
    const nullable = types.length < node.type.length || node.nullable === true;
    if (types.length === 1) return { rest: [{ ...node, type: types[0] }], nullable, single: true };
    return { rest: types.map((t) => ({ ...node, type: t })), nullable, single: false };
  }
  return { rest: undefined, nullable: node.nullable === true };
}

/** A JS source literal; strings single-quoted, as the project writes them. */
export const lit = (value) =>
  typeof value === 'string' ? `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'` : JSON.stringify(value);

/** An object key: bare when it is an identifier. */
export const key = (name) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : lit(name));

/** @param {unknown} node @param {EmitContext} ctx @returns {string} zod source for one schema */
export function zodOf(node, ctx) {
  if (node === true || node === undefined) return 'z.unknown()';
  if (node === false) return 'z.never()';
  if (typeof node !== 'object' || node === null) throw new Error(`${ctx.where}: not a schema`);
  checkKeywords(node, ctx.where);
  const { rest, nullable } = splitNull(node);
  let code;
  if (rest !== undefined) {
    const { anyOf: _a, oneOf: _o, nullable: _n, ...siblings } = node;
    const typed = Array.isArray(node.type);
    if (rest.length === 1) {
      // Sibling keywords (an `enum` beside `anyOf: [string, null]`) apply to the one alternative.
      code = zodOf(typed ? rest[0] : { ...onlyChecks(siblings), ...rest[0] }, ctx);
    } else if (node.enum) {
      code = enumOf(node.enum, ctx);
    } else {
      code = `z.union([${rest.map((a, i) => zodOf(typed ? a : { ...a }, { ...ctx, where: `${ctx.where}|${i}` })).join(', ')}])`;
    }
  } else {
    code = plain(node, ctx);
  }
  return nullable && !code.endsWith('.nullable()') ? `${code}.nullable()` : code;
}

/** Only the keywords that check, of a schema's siblings (annotations stay behind). */
function onlyChecks(node) {
  return Object.fromEntries(Object.entries(node).filter(([k]) => CHECKS.has(k) && !['type', 'anyOf', 'oneOf', 'nullable'].includes(k)));
}

function enumOf(values, ctx) {
  const known = values.filter((v) => v !== null);
  const nullable = known.length < values.length;
  let code;
  if (known.every((v) => typeof v === 'string')) {
    code = ctx.openEnums ? `openEnum([${known.map(lit).join(', ')}])` : `z.enum([${known.map(lit).join(', ')}])`;
  } else {
    code = known.length === 1 ? `z.literal(${lit(known[0])})` : `z.union([${known.map((v) => `z.literal(${lit(v)})`).join(', ')}])`;
  }
  return nullable ? `${code}.nullable()` : code;
}

function plain(node, ctx) {
  if (node.$ref) return ctx.refIdentifier(node.$ref);
  if (node.allOf) {
    const parts = node.allOf.map((p, i) => zodOf(p, { ...ctx, where: `${ctx.where}&${i}` }));
    const { allOf: _all, ...siblings } = node;
    const own = Object.keys(onlyChecks(siblings)).length ? [plain({ ...siblings, type: siblings.type ?? 'object' }, ctx)] : [];
    return [...parts, ...own].reduce((a, b) => `z.intersection(${a}, ${b})`);
  }
  if (node.enum) return enumOf(node.enum, ctx);
  if (node.const !== undefined) return `z.literal(${lit(node.const)})`;
  const type = node.type ?? (node.properties || node.additionalProperties !== undefined ? 'object' : node.items ? 'array' : undefined);
  switch (type) {
    case 'string': {
      let code = 'z.string()';
      if (node.minLength !== undefined) code += `.min(${node.minLength})`;
      if (node.maxLength !== undefined) code += `.max(${node.maxLength})`;
      if (node.pattern !== undefined) code += `.regex(new RegExp(${lit(node.pattern)}))`;
      return code;
    }
    case 'integer':
    case 'number': {
      let code = type === 'integer' ? 'z.number().int()' : 'z.number()';
      if (node.minimum !== undefined) code += node.exclusiveMinimum === true ? `.gt(${node.minimum})` : `.min(${node.minimum})`;
      if (node.maximum !== undefined) code += node.exclusiveMaximum === true ? `.lt(${node.maximum})` : `.max(${node.maximum})`;
      if (typeof node.exclusiveMinimum === 'number') code += `.gt(${node.exclusiveMinimum})`;
      if (typeof node.exclusiveMaximum === 'number') code += `.lt(${node.exclusiveMaximum})`;
      if (node.multipleOf !== undefined) code += `.multipleOf(${node.multipleOf})`;
      return code;
    }
    case 'boolean':
      return 'z.boolean()';
    case 'null':
      return 'z.null()';
    case 'array': {
      let code = `z.array(${zodOf(node.items, { ...ctx, where: `${ctx.where}[]` })})`;
      if (node.minItems !== undefined) code += `.min(${node.minItems})`;
      if (node.maxItems !== undefined) code += `.max(${node.maxItems})`;
      return code;
    }
    case 'object':
      return objectOf(node, ctx);
    case undefined:
      return 'z.unknown()';
    default:
      throw new Error(`${ctx.where}: type "${type}" is not supported`);
  }
}

function objectOf(node, ctx) {
  const props = Object.entries(node.properties ?? {});
  const extra = node.additionalProperties;
  // An object the spec leaves open (no properties, no additionalProperties) may hold anything:
  // z.object({}) would strip every key of it.
  if (!props.length && extra === undefined) return 'z.record(z.string(), z.unknown())';
  if (!props.length && extra !== undefined && extra !== false) {
    return `z.record(z.string(), ${extra === true ? 'z.unknown()' : zodOf(extra, { ...ctx, where: `${ctx.where}{}` })})`;
  }
  const required = new Set(node.required ?? []);
  const fields = props.map(([name, schema]) => {
    const inner = zodOf(schema, { ...ctx, where: `${ctx.where}.${name}` });
    const optional = required.has(name) ? '' : '.optional()';
    return `/** ${summary(schema, required.has(name))} */ ${key(name)}: ${inner}${optional}`;
  });
  const body = fields.length ? `{\n${fields.map((f) => `  ${f},`).join('\n')}\n}` : '{}';
  if (extra === false) return `z.strictObject(${body})`;
  if (extra && extra !== true) return `z.object(${body}).catchall(${zodOf(extra, { ...ctx, where: `${ctx.where}{}` })})`;
  return `z.object(${body})`;
}

/** Short type text of a schema: `integer ≥ 1`, `string (date-time)`, `Foo[]`, `"a" | "b"`. */
export function typeText(node) {
  if (node === true || node === undefined) return 'any';
  if (!node || typeof node !== 'object') return 'any';
  const { rest } = splitNull(node);
  if (rest !== undefined) {
    if (node.enum) return enumText(node.enum);
    const texts = rest.map((a, i) => typeText(i === 0 && rest.length === 1 && !Array.isArray(node.type) ? { ...onlyChecks(node), ...a } : a));
    return texts.join(' | ') || 'any';
  }
  if (node.$ref) return node.$ref.split('/').pop();
  if (node.allOf) return node.allOf.map(typeText).join(' & ');
  if (node.enum) return enumText(node.enum);
  if (node.const !== undefined) return lit(node.const);
  const type = node.type ?? (node.properties || node.additionalProperties !== undefined ? 'object' : node.items ? 'array' : 'any');
  if (type === 'array') return `${typeText(node.items)}[]`;
  if (type === 'object' && !node.properties && node.additionalProperties && node.additionalProperties !== true) return `{ [key]: ${typeText(node.additionalProperties)} }`;
  const bounds = [];
  if (node.format) bounds.push(node.format);
  if (node.minimum !== undefined) bounds.push(`${node.exclusiveMinimum === true ? '>' : '≥'} ${node.minimum}`);
  if (typeof node.exclusiveMinimum === 'number') bounds.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) bounds.push(`${node.exclusiveMaximum === true ? '<' : '≤'} ${node.maximum}`);
  if (typeof node.exclusiveMaximum === 'number') bounds.push(`< ${node.exclusiveMaximum}`);
  if (node.minLength !== undefined || node.maxLength !== undefined) bounds.push(`${node.minLength ?? 0}..${node.maxLength ?? '∞'} chars`);
  if (node.pattern !== undefined) bounds.push('pattern');
  return bounds.length ? `${type} (${bounds.join(', ')})` : type;
}

function enumText(values) {
  const shown = values.filter((v) => v !== null).slice(0, 8).map(lit);
  return values.length > 8 ? `${shown.join(' | ')} | … (${values.length} values)` : shown.join(' | ');
}

/** The facts of one field, for its TSDoc: type, required or optional, nullable, default. */
export function summary(node, required) {
  const facts = [typeText(node)];
  facts.push(required ? 'required' : 'optional');
  if (node && typeof node === 'object') {
    if (splitNull(node).nullable || (node.enum ?? []).includes(null)) facts.push('nullable');
    if (node.default !== undefined) facts.push(`default ${lit(node.default)}`);
    if (node.minItems !== undefined || node.maxItems !== undefined) facts.push(`${node.minItems ?? 0}..${node.maxItems ?? '∞'} items`);
    const inner = (node.anyOf ?? []).find((a) => a && a.type === 'array');
    if (inner && (inner.minItems !== undefined || inner.maxItems !== undefined)) facts.push(`${inner.minItems ?? 0}..${inner.maxItems ?? '∞'} items`);
  }
  return facts.join(', ').replace(/\*\//g, '*\\/');
}
