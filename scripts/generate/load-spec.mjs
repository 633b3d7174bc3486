/**
 * Reads an OpenAPI document (JSON, or YAML through the `yaml` package) and answers the
 * questions the emitters ask of it: which operations exist, and what a `$ref` points at.
 * Knows no provider.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** HTTP methods an OpenAPI path item may hold, in the order operations are listed. */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * @param {string} file a `.json`, `.yaml` or `.yml` OpenAPI document
 * @returns {Record<string, unknown>} the parsed document
 */
export function loadSpec(file) {
  const text = readFileSync(file, 'utf8');
  const doc = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string') throw new Error(`${file}: not an OpenAPI document (no "openapi" version)`);
  if (!/^3\.[01]\./.test(doc.openapi)) throw new Error(`${file}: OpenAPI ${doc.openapi} is not supported (3.0 and 3.1 are)`);
  return doc;
}

/**
 * The name of a local component a `$ref` points at (`#/components/schemas/Foo` → `Foo`).
 * @param {string} ref
 * @param {string} kind `schemas`, `parameters`, `responses`, `requestBodies`
 */
export function refName(ref, kind = 'schemas') {
  const prefix = `#/components/${kind}/`;
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref} (only ${prefix}… is)`);
  return decodeURIComponent(ref.slice(prefix.length).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Follows a `$ref` to a parameter, response or request body component; other objects are returned as they are.
 * @template T
 * @param {Record<string, any>} doc
 * @param {T & { $ref?: string }} node
 * @param {string} kind
 * @returns {T}
 */
export function deref(doc, node, kind) {
  if (!node || typeof node !== 'object' || typeof node.$ref !== 'string') return node;
  const name = refName(node.$ref, kind);
  const target = doc.components?.[kind]?.[name];
  if (!target) throw new Error(`dangling $ref ${node.$ref}`);
  return deref(doc, target, kind);
}

/**
 * Every operation: `{ method, path, op, pathItem }`, paths in document order.
 * @param {Record<string, any>} doc
 */
export function listOperations(doc) {
  const out = [];
  for (const [path, pathItem] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = pathItem[method];
      if (op) out.push({ method: method.toUpperCase(), path, op, pathItem });
    }
  }
  return out;
}
