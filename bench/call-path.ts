/**
 * Goal 2: CPU per call of an unsigned GET through marketmux vs its own axios transport (the
 * same hardened instance, called bare), at 1, 16 and 256 in flight. The server runs in
 * another process, so process.cpuUsage() is the client's alone. Variants are interleaved,
 * each figure is the median of 5 repeats.
 */
import { createCs2CapClient } from '../src/index.js';
import { createTransport } from '../src/http/transport.js';
import { benchKey, childServer, cpuPerCall, median, rows, us } from './lib.js';

export async function callPath(): Promise<void> {
  const srv = await childServer('json');
  const transport = createTransport({ baseUrl: `${srv.url}/v1` });
  const bareAxios = await transport.instance();
  const bare = (): Promise<unknown> => bareAxios.get('/fx', { responseType: 'text', transformResponse: (d: unknown) => d });
  const client = createCs2CapClient({ apiKey: benchKey('sk_live_'), baseUrl: `${srv.url}/v1`, rateLimit: { default: { limit: 1_000_000_000, windowMs: 60_000 } } });
  const ours = (): Promise<unknown> => client.getFxRates();
  for (const inFlight of [1, 16, 256]) {
    const total = inFlight === 1 ? 1500 : 4000;
    await cpuPerCall(bare, inFlight, 500);
    await cpuPerCall(ours, inFlight, 500);
    const a: number[] = [];
    const o: number[] = [];
    for (let r = 0; r < 5; r++) {
      a.push(await cpuPerCall(bare, inFlight, total));
      o.push(await cpuPerCall(ours, inFlight, total));
    }
    const ratio = median(o) / median(a);
    rows.push({ name: `call path: CPU per unsigned GET, ${inFlight} in flight, vs its own axios transport`, ours: us(median(o)), anchor: us(median(a)), ratio: `${ratio.toFixed(2)}×`, goal: '≤ 1.2×', met: ratio <= 1.2 });
  }
  await client.close();
  transport.close();
  await srv.close();
}
