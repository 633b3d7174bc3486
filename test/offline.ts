// Kept apart from helpers.ts: importing nock intercepts every http request of the process,
// which end-to-end suites (real loopback sockets, long streams) must not have.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/**
 * Wire-format suites run with the network off; after each test the suite's client is
 * closed and every expected request must have been made.
 */
export function offlineWireTests(currentClient: () => { close(): Promise<void> } | undefined): void {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(async () => {
    await currentClient()?.close();
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });
}
