/**
 * Hostile: the CSBoard bad-key budget (10 attempts of unproven keys per rolling minute, "ONE
 * budget per host", providers/csboard/auth-guard.ts) is keyed by the base URL's host string
 * (`new URL(baseUrl).host`), not by the server. The same server reached as `127.0.0.1` and as
 * `localhost` gets two budgets, so one process sends twice the budget of bad-key requests to
 * one IP-banning server; four spellings of 127.0.0.1 (127.0.0.1, localhost, [::ffff:127.0.0.1],
 * 0.0.0.0) trip the sandbox's real IP ban from one process. README: "The CSBoard client cannot
 * trip the bad-key IP ban."
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsboardClient } from '../../src/index.js';
import { CsboardSandbox } from '../../src/testkit/index.js';

describe('hostile: one CSBoard server under two host names', () => {
  // Two servers (two ports, so two budgets): the control's rolling minute does not touch the attack's.
  const servers: http.Server[] = [];
  const ports: number[] = [];
  let badKeyRequests = 0;
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const server = http.createServer((req, res) => {
        badKeyRequests += 1;
        req.resume();
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'invalid_api_key', detail: 'Invalid API key' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  async function badKeys(port: number, hosts: string[], perHost: number, tag: string): Promise<number> {
    badKeyRequests = 0;
    const ac = new AbortController();
    const clients = hosts.flatMap((host, h) =>
      Array.from({ length: perHost }, (_, i) => createCsboardClient({ apiKey: `csb_pub_${tag}${String(h).padStart(2, '0')}${String(i).padStart(4, '0')}${'0'.repeat(24)}`, baseUrl: `http://${host}:${port}` })),
    );
    const calls = clients.map((c) => c.getBalance({ signal: ac.signal }).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 3_000));
    ac.abort();
    await Promise.all(calls);
    await Promise.all(clients.map((c) => c.close()));
    return badKeyRequests;
  }

  it('control (holds): 24 bad keys through one host name send at most 10', async () => {
    expect(await badKeys(ports[0]!, ['127.0.0.1'], 24, 'aa')).toBeLessThanOrEqual(10);
  });

  it('24 bad keys through 127.0.0.1 and localhost send 20 to the same server', async () => {
    const sent = await badKeys(ports[1]!, ['127.0.0.1', 'localhost'], 12, 'bb');
    expect(sent, `bad-key requests that reached the one server in 3 s: ${sent}`).toBeLessThanOrEqual(10);
  });

  it('the CSBoard sandbox is IP-banned by one process: 10 bad keys under each of 4 names of 127.0.0.1', async () => {
    const sandbox = new CsboardSandbox();
    const url = new URL(await sandbox.start());
    const names = ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '0.0.0.0'];
    const ac = new AbortController();
    const clients = names.flatMap((host, h) =>
      Array.from({ length: 10 }, (_, i) => createCsboardClient({ apiKey: `csb_pub_cc${String(h).padStart(2, '0')}${String(i).padStart(4, '0')}${'0'.repeat(24)}`, baseUrl: `http://${host}:${url.port}${url.pathname.replace(/\/$/, '')}` })),
    );
    try {
      const calls = clients.map((c) => c.getBalance({ signal: ac.signal }).catch(() => undefined));
      await new Promise((r) => setTimeout(r, 4_000));
      ac.abort();
      await Promise.all(calls);
      // Promised: "The CSBoard client cannot trip the bad-key IP ban."
      expect(sandbox.bans, `bans ${sandbox.bans}; most bad-key requests in one window ${sandbox.maxBadKeysPerWindow()} (ban threshold 30)`).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.close();
    }
  });
});
