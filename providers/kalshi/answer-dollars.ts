/**
 * The spec types Kalshi's dollar fields as plain strings, so the generated answer schemas take
 * any text; the calls then make Money of them. `withDollarFields` checks those fields as part of
 * the answer's schema, so text that is no amount fails as the server's bad answer — the
 * sender's ResponseShapeError naming the field — and never as a ValidationError from `money()`,
 * which would say the caller's own input was wrong.
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
