/** CS2Cap's offset pagination (`PaginationMeta`), as the sandbox's list endpoints answer it. */
import type { SandboxRequest } from '../../src/testkit/server.js';

/** One page of `rows` for the request's `limit` (clamped to 1..max) and `offset`. */
export function offsetPage<T>(req: SandboxRequest, rows: readonly T[], limits: { defaultLimit: number; maxLimit: number }): { rows: T[]; pagination: Record<string, unknown> } {
  const limit = Math.max(1, Math.min(limits.maxLimit, Number(req.query.get('limit') ?? limits.defaultLimit)));
  const offset = Number(req.query.get('offset') ?? 0);
  return { rows: rows.slice(offset, offset + limit), pagination: { limit, offset, total: rows.length, has_next: offset + limit < rows.length, has_prev: offset > 0 } };
}
