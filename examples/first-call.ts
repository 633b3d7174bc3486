// A whole first program: start the built-in sandbox, ask it for prices, stop. It is plain
// JavaScript too: save it as first-call.mjs and run `node first-call.mjs`.
import { createCs2CapClient } from 'marketmux';
import { startSandbox } from 'marketmux/testkit';

const sandbox = await startSandbox(); // CS2Cap, CSBoard and Kalshi on 127.0.0.1, with keys
// For the real API: createCs2CapClient({ apiKey: process.env.CS2C_API_KEY }), no baseUrl.
const cs2cap = createCs2CapClient({ apiKey: sandbox.cs2cap.apiKey, baseUrl: sandbox.cs2cap.baseUrl });
try {
  const page = await cs2cap.getPrices({ marketHashName: 'AK-47 | Redline (Field-Tested)', providers: ['steam', 'buff163'] });
  for (const item of page.items) console.log(item.provider, item.lowest_ask.amount, item.lowest_ask.currency);
} finally {
  await cs2cap.close();
  await sandbox.close();
}
