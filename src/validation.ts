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
