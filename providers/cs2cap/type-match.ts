/**
 * Compile-time ties between a zod schema and the named type it stands for: a schema whose
 * input (or output) is not exactly the type fails to compile, so the documented interface and
 * the check at run time cannot drift apart.
 */
import type { z } from 'zod';

/** True when A and B are the same type (mutual assignability would let optional pass for required). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The schema itself, compiling only when what it accepts is exactly `T`. */
export const inputIs =
  <T>() =>
  <S extends z.ZodType>(schema: S & (Same<z.input<S>, T> extends true ? unknown : { 'schema input differs from': T })): S =>
    schema;

/** The schema itself, compiling only when what it parses to is exactly `T`. */
export const outputIs =
  <T>() =>
  <S extends z.ZodType>(schema: S & (Same<z.output<S>, T> extends true ? unknown : { 'schema output differs from': T })): S =>
    schema;
