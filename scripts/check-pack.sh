#!/usr/bin/env bash
# Pack the package, install the tarball into an empty project, and use it the ways users
# do: import, require, each subpath, and the bin.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "./$tarball" >/dev/null
cat > esm.mjs <<'JS'
import { createCs2CapClient, MarketError, money } from 'marketmux';
import { createCsboardClient } from 'marketmux/csboard';
import { createKalshiClient, signKalshiRequest } from 'marketmux/kalshi';
import { createCs2CapClient as viaSubpath } from 'marketmux/cs2cap';
import { startSandbox } from 'marketmux/testkit';
const sb = await startSandbox();
const c = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl });
const page = await c.getPrices({ itemId: 1000 });
if (!page.items.length || typeof viaSubpath !== 'function' || typeof createCsboardClient !== 'function' || typeof createKalshiClient !== 'function' || typeof signKalshiRequest !== 'function') throw new Error('esm: missing exports');
if (!(new MarketError({ provider: 'x', code: 'timeout', message: 'm' }) instanceof Error) || money(1, 'usd').amount !== '1.00') throw new Error('esm: bad exports');
await c.close(); await sb.close();
console.log('import: ok');
JS
cat > cjs.cjs <<'JS'
const { createCs2CapClient, ValidationError } = require('marketmux');
const { createKalshiClient } = require('marketmux/kalshi');
const { startSandbox } = require('marketmux/testkit');
if (typeof createCs2CapClient !== 'function' || typeof createKalshiClient !== 'function' || typeof startSandbox !== 'function') throw new Error('cjs: missing exports');
try { createCs2CapClient({ apiKey: 'nope' }); throw new Error('no validation'); } catch (e) { if (!(e instanceof ValidationError)) throw e; }
console.log('require: ok');
JS
# No work at import time: importing every entry leaves nothing that keeps the process alive.
timeout 10 node --input-type=module -e "import 'marketmux'; import 'marketmux/cs2cap'; import 'marketmux/csboard'; import 'marketmux/kalshi'; import 'marketmux/testkit';" && echo "import has no side effects: ok"
node esm.mjs
node cjs.cjs
# The newcomer's path: the first program of docs/getting-started.md, saved as .mjs, as is.
cp "$root/examples/first-call.ts" first-call.mjs
first=$(node first-call.mjs)
grep -Eq '^steam [0-9]+\.[0-9]{2} USD$' <<<"$first" && echo "docs' first program: ok"
# Types resolve from CommonJS too: TypeScript's node20 mode models Node's require(esm).
cat > types.cts <<'TS'
import mm = require('marketmux');
import kalshi = require('marketmux/kalshi');
const err: mm.MarketError = new mm.ValidationError({ provider: 'x', message: 'm' });
const sign: typeof kalshi.signKalshiRequest = kalshi.signKalshiRequest;
export { err, sign };
TS
cat > types.mts <<'TS'
import { createCsboardClient, type CsboardClient } from 'marketmux';
import type { Sandbox } from 'marketmux/testkit';
export const make = (s: Sandbox): CsboardClient => createCsboardClient({ apiKey: s.csboard.apiKey, baseUrl: s.csboard.baseUrl });
TS
"$root/node_modules/.bin/tsc" --noEmit --strict --module node20 --moduleResolution node16 --skipLibCheck false --types node --typeRoots "$root/node_modules/@types" types.cts types.mts && echo "types (require and import): ok"
npx --no-install marketmux --help | head -n 1
npx --no-install marketmux keys generate --out "$work/k.pem" >/dev/null && test "$(stat -c %a "$work/k.pem")" = 600 && echo "bin: ok"
