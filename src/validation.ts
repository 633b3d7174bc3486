import { z } from 'zod';
import { ValidationError } from './errors.js';

/** Issues as `path: message` pairs; the offending input value is never copied. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(input)',
    message: issue.message,
  }));
}

/** Validate a call's input; a bad input throws `ValidationError` and nothing is sent. */
export function parseInput<S extends z.ZodType>(provider: string, operation: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError({ provider, message: `${provider}.${operation}: invalid input — ${summary}`, issues });
}

/**
 * A schema built on first use instead of at import. Building zod schemas is most of what
 * importing a provider costs (hundreds of generated components, each a chain of zod
 * instances), and a program uses a few of them; this defers each one until something reads
 * it.
 *
 * The returned object becomes the built schema in place: on the first property read, `in`
 * test or assignment it takes on the built schema's own properties (its `_zod` internals
 * included) and prototype, and from then on it is an ordinary zod schema. Nothing sits in
 * the path of a later parse: no Proxy wraps it, so `instanceof`, `.shape`, `.extend`,
 * nesting in `z.object`/`z.array` and parse errors behave as they do for the eager schema.
 * Its metadata in `z.globalRegistry` (a `.meta()` or `.describe()` inside `build`) moves
 * with it. Only what reads no property sees the difference before first use:
 * `Object.keys`, `Object.getPrototypeOf` and object spread show an empty object then.
 *
 * `build` runs once; if it throws, the next use runs it again. A schema whose `build` reads
 * the schema itself (directly or through others) throws instead of recursing.
 */
export function lazySchema<S extends z.ZodType>(build: () => S): S {
  let state: 'waiting' | 'building' | 'built' = 'waiting';
  const becomeBuilt = (): void => {
    if (state === 'built') return;
    if (state === 'building') throw new Error('lazySchema: the schema was read while it was being built (a schema that contains itself)');
    state = 'building';
    let built: S;
    try {
      built = build();
    } catch (error) {
      state = 'waiting';
      throw error;
    }
    // Prototype first, then the properties in the built schema's order: placeholders of one
    // zod class then share one V8 shape, as eager instances do.
    Object.setPrototypeOf(schema, Object.getPrototypeOf(built));
    for (const key of Reflect.ownKeys(built)) Object.defineProperty(schema, key, Object.getOwnPropertyDescriptor(built, key) as PropertyDescriptor);
    const meta = z.globalRegistry.has(built) ? z.globalRegistry.get(built) : undefined;
    if (meta !== undefined) z.globalRegistry.add(schema, meta);
    state = 'built';
  };
  // The placeholder's prototype: any property the placeholder lacks (before the build, all
  // of them) is looked up here, and the first lookup builds. The build replaces this
  // prototype, so it is never consulted again.
  const buildOnFirstUse = new Proxy(Object.create(null) as object, {
    get: (_target, key, receiver) => (becomeBuilt(), Reflect.get(schema, key, receiver)),
    set: (_target, key, value, receiver) => (becomeBuilt(), Reflect.set(schema, key, value, receiver)),
    has: (_target, key) => (becomeBuilt(), Reflect.has(schema, key)),
  });
  // Not `Object.create(null)`, which V8 makes a slow dictionary object: built, the schema's
  // properties stay as fast to read on every parse as an eager schema's.
  const schema = Object.create(buildOnFirstUse) as S;
  return schema;
}
