/**
 * Importing a provider loads neither axios nor ws: axios is loaded with a client's first
 * request, ws when a stream's first connection opens. Each case runs the built package
 * (test/global-build.ts builds it) in a fresh Node process with a resolve hook that reports
 * every third-party package the process loads, so the test sees what a user's process loads.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { isAxiosError } from '../../src/http/transport.js';

const run = promisify(execFile);
const DIST = join(process.cwd(), 'dist');

// Runs in the hooks thread: one stderr line per package the first time it is resolved.
const HOOK = `
const seen = new Set();
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(found.url);
  if (m && !seen.has(m[1])) { seen.add(m[1]); process._rawDebug('loaded-package ' + m[1]); }
  return found;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

/** The packages a fresh process loads running `code` (an ES module body), in load order, and what it printed. */
async function packagesLoadedBy(code: string): Promise<{ packages: string[]; stdout: string }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', code], { cwd: process.cwd(), timeout: 20_000 });
  const packages = [...stderr.matchAll(/^loaded-package (.+)$/gm)].map((m) => m[1]!);
  return { packages, stdout };
}

const entry = (file: string): string => JSON.stringify(join(DIST, file));

describe('lazy dependencies', () => {
  it.each(['providers/kalshi/index.js', 'src/index.js', 'providers/cs2cap/index.js', 'providers/csboard/index.js'])('importing %s loads neither axios nor ws', async (file) => {
    const { packages } = await packagesLoadedBy(`await import(${entry(file)});`);
    expect(packages).toContain('zod');
    expect(packages).not.toContain('axios');
    expect(packages).not.toContain('ws');
  });

  it('a client loads axios with its first request, and that request is answered', async () => {
    const code = `
      import http from 'node:http';
      const { createCs2CapClient } = await import(${entry('src/index.js')});
      const srv = http.createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ timestamp: null, rates: { EUR: 0.92 } })); });
      await new Promise((r) => srv.listen(0, '127.0.0.1', r));
      const client = createCs2CapClient({ apiKey: 'sk_live_lazyTest000000000000', baseUrl: 'http://127.0.0.1:' + srv.address().port + '/v1' });
      process._rawDebug('loaded-package (client built)');
      const answer = await client.getFxRates();
      process.stdout.write(JSON.stringify(answer));
      await client.close();
      srv.close();`;
    const { packages, stdout } = await packagesLoadedBy(code);
    const built = packages.indexOf('(client built)');
    expect(built).toBeGreaterThan(-1);
    expect(packages.slice(0, built)).not.toContain('axios');
    expect(packages.slice(built)).toContain('axios');
    expect(packages).not.toContain('ws');
    expect(stdout).toContain('EUR');
  });

  it('a Kalshi stream loads ws when its connection opens, not when it is created', async () => {
    const code = `
      import net from 'node:net';
      const { createKalshiStream } = await import(${entry('providers/kalshi/stream/connection.js')});
      // A port nothing listens on: the connection fails at once, after ws is loaded.
      const probe = net.createServer();
      await new Promise((r) => probe.listen(0, '127.0.0.1', r));
      const port = probe.address().port;
      await new Promise((r) => probe.close(r));
      let failed;
      const connectionFailed = new Promise((r) => (failed = r));
      const stream = createKalshiStream({ url: 'ws://127.0.0.1:' + port + '/trade-api/ws/v2', sign: () => ({}), reconnect: { minDelayMs: 60000, maxDelayMs: 60000 }, on: { error: (e) => failed(e) } });
      process._rawDebug('loaded-package (stream created)');
      const listed = stream.listSubscriptions().catch((e) => e);
      const error = await connectionFailed;
      await stream.close();
      process.stdout.write(error.code + ' ' + (await listed).code);`;
    const { packages, stdout } = await packagesLoadedBy(code);
    const created = packages.indexOf('(stream created)');
    expect(created).toBeGreaterThan(-1);
    expect(packages.slice(0, created)).not.toContain('ws');
    expect(packages.slice(created)).toContain('ws');
    expect(packages).not.toContain('axios');
    expect(stdout).toBe('network_error client_closed');
  });
});

describe('isAxiosError', () => {
  it('recognises axios errors by their flag, and nothing else', () => {
    expect(isAxiosError(new AxiosError('boom', 'ECONNRESET'))).toBe(true);
    expect(isAxiosError(Object.assign(new Error('copy from another axios install'), { isAxiosError: true, code: 'ETIMEDOUT' }))).toBe(true);
    expect(isAxiosError(Object.assign(new Error('plain'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isAxiosError({ isAxiosError: true, code: 'ETIMEDOUT' })).toBe(false);
    expect(isAxiosError(undefined)).toBe(false);
  });
});
