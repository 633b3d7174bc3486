/**
 * What the CSBoard bad-key guard's Redis attacks share: a real redis-server, a CSBoard sandbox
 * over loopback, fresh guard state before and after, and every client made through it closed
 * at the end (with Redis thawed first, should a test leave it frozen).
 */
import { afterAll, beforeAll } from 'vitest';
import { createCsboardClient, type CsboardClient, type CsboardClientOptions } from '../../providers/csboard/index.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox, type CsboardSandboxOptions } from '../../providers/csboard/sandbox.js';
import { startRedis } from '../cluster/redis-server.js';

/** The fixture's parts, set once `beforeAll` has run. */
export interface CsboardRedisFixture {
  redis: Awaited<ReturnType<typeof startRedis>>;
  sandbox: CsboardSandbox;
  baseUrl: string;
  /** A client of the sandbox sharing this Redis (no retries), closed with the fixture. */
  client(apiKey: string, options?: Partial<CsboardClientOptions>): CsboardClient;
}

/** Registers the fixture's `beforeAll` / `afterAll` in the calling `describe`. */
export function csboardWithRedis(sandboxOptions: CsboardSandboxOptions): CsboardRedisFixture {
  const clients: CsboardClient[] = [];
  const fixture = {
    client(apiKey: string, options: Partial<CsboardClientOptions> = {}): CsboardClient {
      const c = createCsboardClient({ apiKey, baseUrl: fixture.baseUrl, retry: { retries: 0 }, redis: { url: fixture.redis.url }, ...options });
      clients.push(c);
      return c;
    },
  } as CsboardRedisFixture;
  beforeAll(async () => {
    resetAuthGuardState();
    fixture.redis = await startRedis();
    fixture.sandbox = new CsboardSandbox(sandboxOptions);
    fixture.baseUrl = await fixture.sandbox.start();
  });
  afterAll(async () => {
    fixture.redis.thaw();
    await Promise.all(clients.map((c) => c.close()));
    await fixture.sandbox.close();
    await fixture.redis.stop();
    resetAuthGuardState();
  });
  return fixture;
}
