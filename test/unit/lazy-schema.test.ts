/**
 * `lazySchema` (src/validation.ts) builds a schema on first use and then is that schema:
 * every use a caller makes of an eager zod schema (parse results, errors with the field
 * path, `instanceof`, `.shape`, `.extend`, nesting, wrappers, metadata, inferred types)
 * gives the same answer. The generated modules hold their schemas this way; their deferred
 * exports are checked against an eager build of the very same module text.
 */
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import * as kalshiLazy from '../../providers/kalshi/generated/operations.js';
import * as cs2capLazy from '../../providers/cs2cap/generated/operations.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import { ValidationError } from '../../src/errors.js';
import { caught } from '../helpers.js';

/** The same schema, built eagerly and deferred, with a count of how often the deferred one was built. */
function pair<S extends z.ZodType>(make: () => S): { eager: S; lazy: S; builds: () => number } {
  let builds = 0;
  const lazy = lazySchema(() => {
    builds += 1;
    return make();
  });
  return { eager: make(), lazy, builds: () => builds };
}

const order = () =>
  z.object({
    ticker: z.string().min(1),
    count: z.number().int().min(1),
    side: z.enum(['yes', 'no']),
    fills: z.array(z.object({ price: z.string().regex(/^\d+\.\d{2}$/) })).optional(),
  });

const inputs: unknown[] = [
  { ticker: 'K', count: 2, side: 'yes' },
  { ticker: 'K', count: 2, side: 'yes', fills: [{ price: '0.50' }], extra: 1 },
  { ticker: '', count: 0.5, side: 'maybe' },
  { ticker: 'K', count: 1, side: 'no', fills: [{ price: '0.5' }, { price: 7 }] },
  null,
  'text',
  [],
  undefined,
];

/** A parse outcome as data: the value, or each issue's code, path and message. */
function outcome(schema: z.ZodType, input: unknown): unknown {
  const r = schema.safeParse(input);
  return r.success ? { ok: r.data } : { issues: r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })) };
}

describe('lazySchema', () => {
  it('builds nothing until used, then once, however it is used after', () => {
    const { lazy, builds } = pair(order);
    expect(builds()).toBe(0);
    lazy.parse({ ticker: 'K', count: 1, side: 'no' });
    expect(builds()).toBe(1);
    lazy.safeParse(null);
    void lazy.shape;
    lazy.extend({ more: z.string() });
    expect(builds()).toBe(1);
  });

  it('parses, rejects and names the bad field exactly as the eager schema does', () => {
    const { eager, lazy } = pair(order);
    for (const input of inputs) expect(outcome(lazy, input)).toEqual(outcome(eager, input));
    const bad = lazy.safeParse(inputs[3]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path)).toEqual([
      ['fills', 0, 'price'],
      ['fills', 1, 'price'],
    ]);
    expect(() => lazy.parse(inputs[2])).toThrow(z.ZodError);
  });

  it('is an instance of its zod classes, before and after it is built', () => {
    const before = lazySchema(order);
    expect(before instanceof z.ZodObject).toBe(true);
    const after = lazySchema(order);
    after.parse({ ticker: 'K', count: 1, side: 'no' });
    expect(after instanceof z.ZodObject).toBe(true);
    expect(after instanceof z.ZodType).toBe(true);
    expect(after instanceof z.ZodString).toBe(false);
    expect(Object.getPrototypeOf(after)).toBe(Object.getPrototypeOf(order()));
    expect(after.def.type).toBe('object');
    expect(after.type).toBe('object');
  });

  it('has the same shape, own keys and `.extend`, `.pick`, `.partial`, `.strict` as the eager schema', () => {
    const { eager, lazy } = pair(order);
    expect(Object.keys(lazy.shape)).toEqual(Object.keys(eager.shape));
    expect(lazy.shape.side.options).toEqual(['yes', 'no']);
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(eager).sort());
    const extendedLazy = lazy.extend({ note: z.string() });
    const extendedEager = eager.extend({ note: z.string() });
    for (const input of [...inputs, { ticker: 'K', count: 2, side: 'yes', note: 'n' }]) {
      expect(outcome(extendedLazy, input)).toEqual(outcome(extendedEager, input));
      expect(outcome(lazy.pick({ ticker: true }), input)).toEqual(outcome(eager.pick({ ticker: true }), input));
      expect(outcome(lazy.partial(), input)).toEqual(outcome(eager.partial(), input));
      expect(outcome(lazy.strict(), input)).toEqual(outcome(eager.strict(), input));
    }
    // A shape spread into a new object, as hand-written schemas do.
    const spread = z.object({ ...lazy.shape, id: z.string() });
    expect(spread.safeParse({ ticker: 'K', count: 1, side: 'no', id: 'x' }).success).toBe(true);
  });

  it('nests in z.object, z.array, unions and wrappers with the same results and paths, unbuilt until parsed', () => {
    const { eager, lazy, builds } = pair(order);
    const outerLazy = z.object({ orders: z.array(lazy), first: lazy.optional(), either: z.union([lazy, z.null()]) });
    const outerEager = z.object({ orders: z.array(eager), first: eager.optional(), either: z.union([eager, z.null()]) });
    const input = { orders: [inputs[0], inputs[2]], first: inputs[3], either: null };
    expect(outcome(outerLazy, input)).toEqual(outcome(outerEager, input));
    const bad = outerLazy.safeParse(input);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toContain('orders.1.ticker');
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toContain('first.fills.0.price');
    expect(builds()).toBe(1);
    const wrappers = [(s: z.ZodType) => s.nullable(), (s: z.ZodType) => s.array(), (s: z.ZodType) => s.optional(), (s: z.ZodType) => s.nullish(), (s: z.ZodType) => s.or(z.string())];
    for (const wrap of wrappers) for (const value of [...inputs, [inputs[0]], [inputs[2]]]) expect(outcome(wrap(lazy), value)).toEqual(outcome(wrap(eager), value));
    expect(lazy.nullable().parse(null)).toBeNull();
    expect(lazy.array().parse([inputs[0]])).toEqual([inputs[0]]);
  });

  it('serves as a discriminated union option, inside z.lazy, and as a record value', () => {
    const yes = pair(() => z.object({ side: z.literal('yes'), price: z.number() }));
    const no = pair(() => z.object({ side: z.literal('no'), price: z.number() }));
    const unionLazy = z.discriminatedUnion('side', [yes.lazy, no.lazy]);
    const unionEager = z.discriminatedUnion('side', [yes.eager, no.eager]);
    // A discriminated union reads its options' shapes as it is made: that builds them, once.
    expect([yes.builds(), no.builds()]).toEqual([1, 1]);
    for (const value of [{ side: 'yes', price: 1 }, { side: 'no', price: 'x' }, { side: 'maybe' }, null]) {
      expect(outcome(unionLazy, value)).toEqual(outcome(unionEager, value));
      expect(outcome(z.lazy(() => yes.lazy), value)).toEqual(outcome(z.lazy(() => yes.eager), value));
      expect(outcome(z.record(z.string(), no.lazy), { a: value })).toEqual(outcome(z.record(z.string(), no.eager), { a: value }));
    }
    expect(yes.lazy.keyof().options).toEqual(['side', 'price']);
    expect(yes.lazy instanceof z.core.$ZodObject).toBe(true);
  });

  it('refines, transforms and pipes like the eager schema', () => {
    const { eager, lazy } = pair(order);
    const twoOrMore = (o: { count: number }) => o.count >= 2;
    expect(outcome(lazy.refine(twoOrMore, 'count < 2'), inputs[0])).toEqual(outcome(eager.refine(twoOrMore, 'count < 2'), inputs[0]));
    expect(outcome(lazy.refine(twoOrMore, 'count < 2'), { ticker: 'K', count: 1, side: 'no' })).toEqual(
      outcome(eager.refine(twoOrMore, 'count < 2'), { ticker: 'K', count: 1, side: 'no' }),
    );
    expect(lazy.transform((o) => o.ticker).parse(inputs[0])).toBe('K');
    expect(lazySchema(() => z.string().transform(Number)).parse('12')).toBe(12);
  });

  it('works through parseInput: a bad input is a ValidationError naming the field', async () => {
    const schema = lazySchema(order);
    const error = await caught(Promise.resolve().then(() => parseInput('kalshi', 'createOrder', schema, { ticker: 'K', count: 0, side: 'yes' })));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('count');
  });

  it('validates through Standard Schema and converts to JSON Schema like the eager schema', () => {
    const { eager, lazy } = pair(order);
    expect(lazy['~standard'].vendor).toBe('zod');
    expect(lazy['~standard'].validate(inputs[0])).toEqual(eager['~standard'].validate(inputs[0]));
    expect(z.toJSONSchema(lazy)).toEqual(z.toJSONSchema(eager));
    expect(z.toJSONSchema(z.object({ a: lazy }))).toEqual(z.toJSONSchema(z.object({ a: eager })));
  });

  it('keeps metadata registered inside the build, and takes metadata registered on it', () => {
    const described = lazySchema(() => z.string().describe('a ticker'));
    expect(described.description).toBe('a ticker');
    const withMeta = lazySchema(() => z.number().meta({ id: 'lazy-schema-test-count', title: 'count' }));
    expect(withMeta.meta()).toEqual({ id: 'lazy-schema-test-count', title: 'count' });
    expect(z.globalRegistry.get(withMeta)).toEqual({ id: 'lazy-schema-test-count', title: 'count' });
    const plain = lazySchema(() => z.string());
    z.globalRegistry.add(plain, { title: 'later' });
    expect(plain.meta()).toEqual({ title: 'later' });
    expect(plain.describe('d').description).toBe('d');
  });

  it('a build that throws throws at first use, and runs again at the next', () => {
    let attempts = 0;
    const flaky = lazySchema(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('not yet');
      return z.string();
    });
    expect(() => flaky.parse('a')).toThrow('not yet');
    expect(flaky.parse('a')).toBe('a');
    expect(attempts).toBe(2);
  });

  it('a schema that reads itself while being built throws instead of recursing', () => {
    const selfish: z.ZodType = lazySchema((): z.ZodType => z.object({ inner: selfish.optional() }));
    expect(() => selfish.parse({})).toThrow(/while it was being built/);
  });

  it('keeps the inferred input and output types of the schema it builds', () => {
    const { eager, lazy } = pair(order);
    expectTypeOf(lazy).toEqualTypeOf(eager);
    expectTypeOf<z.infer<typeof lazy>>().toEqualTypeOf<{ ticker: string; count: number; side: 'yes' | 'no'; fills?: { price: string }[] | undefined }>();
    expectTypeOf<z.input<typeof lazy>>().toEqualTypeOf<z.input<typeof eager>>();
  });
});

describe('the generated modules, deferred', () => {
  type Module = Record<string, unknown>;
  const schemasOf = (m: Module) => Object.entries(m).filter((e): e is [string, z.ZodType] => e[0].endsWith('Schema'));

  /** How many zod instances `run` constructs (zod calls its global post-processor hook once for each). */
  async function constructions(run: () => Promise<void>): Promise<number> {
    const config = (globalThis as { __zod_globalConfig?: { postProcessor?: (inst: unknown) => void } }).__zod_globalConfig;
    if (!config) throw new Error('zod keeps no global config: this zod version cannot be counted');
    let constructed = 0;
    config.postProcessor = () => {
      constructed += 1;
    };
    try {
      await run();
    } finally {
      delete config.postProcessor;
    }
    return constructed;
  }

  /** The same generated module with `lazySchema` replaced by building at once: the eager form. */
  async function eagerModule(path: string): Promise<Module> {
    vi.resetModules();
    vi.doMock('../../src/validation.js', async (original) => ({ ...(await original<object>()), lazySchema: (build: () => z.ZodType) => build() }));
    let m: Module = {};
    // The eager form really is eager: the comparison below is against schemas built at import.
    expect(await constructions(async () => void (m = (await import(path)) as Module))).toBeGreaterThan(1000);
    vi.doUnmock('../../src/validation.js');
    return m;
  }
  afterEach(() => vi.doUnmock('../../src/validation.js'));

  it('importing a generated module constructs no zod schema; a first parse builds what it needs', async () => {
    vi.resetModules();
    let kalshi: Module = {};
    let cs2cap: Module = {};
    const atImport = await constructions(async () => {
      kalshi = (await import('../../providers/kalshi/generated/operations.js')) as Module;
      cs2cap = (await import('../../providers/cs2cap/generated/operations.js')) as Module;
    });
    expect(schemasOf(kalshi).length + schemasOf(cs2cap).length).toBeGreaterThan(300);
    expect(atImport).toBe(0);
    expect(await constructions(async () => void (kalshi.GetMarketResponseSchema as z.ZodType).safeParse({}))).toBeGreaterThan(0);
  });

  for (const [name, lazyModule, path] of [
    ['kalshi', kalshiLazy as Module, '../../providers/kalshi/generated/operations.js'],
    ['cs2cap', cs2capLazy as Module, '../../providers/cs2cap/generated/operations.js'],
  ] as const) {
    it(`${name}: every exported schema is the eager one's equal: classes, JSON Schema, shape, parse outcomes`, async () => {
      const eager = await eagerModule(path);
      const lazySchemas = schemasOf(lazyModule);
      expect(lazySchemas.map(([k]) => k)).toEqual(schemasOf(eager).map(([k]) => k));
      const probes: unknown[] = [{}, [], null, 'x', 1, true, { cursor: 'c' }];
      for (const [key, lazy] of lazySchemas) {
        const twin = eager[key] as z.ZodType;
        expect(lazy.constructor, key).toBe(twin.constructor);
        expect(z.toJSONSchema(lazy, { unrepresentable: 'any' }), key).toEqual(z.toJSONSchema(twin, { unrepresentable: 'any' }));
        if (lazy instanceof z.ZodObject) expect(Object.keys(lazy.shape), key).toEqual(Object.keys((twin as z.ZodObject).shape));
        for (const probe of probes) expect(outcome(lazy, probe), `${key} ${JSON.stringify(probe)}`).toEqual(outcome(twin, probe));
      }
    });

    it(`${name}: the operation table's schemas match the eager table's`, async () => {
      const eager = await eagerModule(path);
      const table = lazyModule[`${name}Operations`] as Record<string, { body?: { schema?: z.ZodType }; responses: Record<string, { schema?: z.ZodType }> }>;
      const eagerTable = eager[`${name}Operations`] as typeof table;
      expect(Object.keys(table)).toEqual(Object.keys(eagerTable));
      for (const [id, op] of Object.entries(table)) {
        const twin = eagerTable[id]!;
        const pairs: [z.ZodType | undefined, z.ZodType | undefined][] = [[op.body?.schema, twin.body?.schema], ...Object.keys(op.responses).map((s) => [op.responses[s]!.schema, twin.responses[s]!.schema] as [z.ZodType | undefined, z.ZodType | undefined])];
        for (const [a, b] of pairs) {
          expect(a === undefined, id).toBe(b === undefined);
          if (a && b) expect(z.toJSONSchema(a, { unrepresentable: 'any' }), id).toEqual(z.toJSONSchema(b, { unrepresentable: 'any' }));
        }
      }
    });
  }

  it('an alias is the very constant it names, and table entries are the exported constants', () => {
    const table = kalshiLazy.kalshiOperations;
    expect(table.GetMarket.responses[200].schema).toBe(kalshiLazy.GetMarketResponseSchema);
  });

  it('exports keep their zod types: `.extend`, `.shape` and z.infer as callers use them', () => {
    const extended = kalshiLazy.GetUserDataTimestampResponseSchema.extend({ as_of_time: z.iso.datetime({ offset: true }) });
    expect(extended.parse({ as_of_time: '2026-01-01T00:00:00Z' })).toEqual({ as_of_time: '2026-01-01T00:00:00Z' });
    expect(extended.safeParse({ as_of_time: 'yesterday' }).error?.issues[0]?.path).toEqual(['as_of_time']);
    expectTypeOf(kalshiLazy.AcceptQuoteRequestSchema).toEqualTypeOf<z.ZodObject<{ accepted_side: z.ZodEnum<{ yes: 'yes'; no: 'no' }> }, z.core.$strip>>();
    expectTypeOf<kalshiLazy.AcceptQuoteRequest>().toEqualTypeOf<{ accepted_side: 'yes' | 'no' }>();
    expect(Object.keys(kalshiLazy.AcceptQuoteRequestSchema.shape)).toEqual(['accepted_side']);
    const nested = z.object({ q: kalshiLazy.AcceptQuoteRequestSchema, list: z.array(kalshiLazy.AcceptQuoteRequestSchema) });
    expect(nested.safeParse({ q: { accepted_side: 'yes' }, list: [{ accepted_side: 'maybe' }] }).error?.issues[0]?.path).toEqual(['list', 0, 'accepted_side']);
  });
});
