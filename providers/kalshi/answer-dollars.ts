/**
 * The spec types some of Kalshi's dollar fields as plain strings, so the generated answer
 * schemas take any text; the calls hand those strings on as sent (docs/results.md), so they must
 * be amounts. `withDollarFields` checks them as part of the answer's schema: text that is no
 * amount fails as the server's bad answer — the sender's ResponseShapeError naming the field —
 * before a caller reads it.
 */
import type { z } from 'zod';
import { dollars } from './schemas.js';

/** One dollar field of an answer: where it is, and its value (undefined: absent, not checked). */
export type DollarField = readonly [path: readonly (string | number)[], value: string | null | undefined];

/** `schema`, also refusing an answer whose dollar fields (as `fields` lists them) are not fixed-point dollar strings. */
export function withDollarFields<S extends z.ZodType>(schema: S, fields: (answer: z.output<S>) => Iterable<DollarField>): S {
  return schema.superRefine((answer, ctx) => {
    for (const [path, value] of fields(answer as z.output<S>)) {
      if (value !== undefined && value !== null && !dollars.safeParse(value).success) ctx.addIssue({ code: 'custom', path: [...path], message: 'not a fixed-point dollar string' });
    }
  }) as S;
}
