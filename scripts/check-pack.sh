#!/usr/bin/env bash
# Pack the package from a fresh tree of the last commit (as a clone would have it: no dist/,
# so the `prepack` build must make it), check what the tarball ships, install it into an
# empty project, and use it the ways users do: import, require, each subpath, the bin, and
# an ESM bundle. Uncommitted changes are not in the tarball: commit first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/clone"
git -C "$root" archive HEAD | tar -x -C "$work/clone"
ln -s "$root/node_modules" "$work/clone/node_modules"
test ! -e "$work/clone/dist" || { echo "the fresh tree has a dist/" >&2; exit 1; }
# A docs build left behind (TypeDoc writes dist/api) must not ship.
mkdir -p "$work/clone/dist/api" && echo '<html></html>' > "$work/clone/dist/api/index.html"
tarball=$(cd "$work/clone" && npm pack --silent --pack-destination "$work" | tail -n 1)
tar -tzf "$work/$tarball" | sed 's|^package/||' | sort > "$work/shipped.txt"
for must in dist/src/index.js dist/src/index.d.ts dist/src/cli/main.js dist/providers/kalshi/index.js dist/src/testkit/index.js LICENSE README.md package.json; do
  grep -qx "$must" "$work/shipped.txt" || { echo "the tarball lacks $must (did prepack build?)" >&2; exit 1; }
done
if grep -E '^(docs/api/|dist/api/|dist/bench/|dist/examples/|src/|providers/|test/|bench/.*\.ts$)|\.map$|\.tsbuildinfo$' "$work/shipped.txt"; then
  echo "the tarball ships the files above, which it must not" >&2; exit 1
fi
echo "tarball: dist built by prepack, LICENSE, no docs/api, no sources or maps: ok"
# Every relative link in a shipped Markdown file points at a shipped file.
node - "$work/clone" "$work/shipped.txt" <<'JS'
const { readFileSync } = require('node:fs');
const { posix } = require('node:path');
const [clone, list] = process.argv.slice(2);
const shipped = new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean));
const broken = [];
for (const file of [...shipped].filter((f) => f.endsWith('.md'))) {
  const text = readFileSync(`${clone}/${file}`, 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const path = posix.normalize(posix.join(posix.dirname(file), target.split('#')[0]));
    const ok = path.endsWith('/') ? [...shipped].some((f) => f.startsWith(path)) : shipped.has(path);
    if (!ok) broken.push(`${file} -> ${target}`);
  }
}
if (broken.length) {
  console.error(`docs link to files the package does not ship:\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
console.log('docs links resolve inside the package: ok');
JS
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
# The TypeScript settings consumers use, each strict with the library's own .d.ts checked:
# node16 and nodenext (ESM and CommonJS files), and bundler resolution (Vite, esbuild, webpack).
tsc_strict=("$root/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck false --types node --typeRoots "$root/node_modules/@types")
# node16 models Node 16, which cannot require() an ES module: its CommonJS consumers use import().
"${tsc_strict[@]}" --module node16 --moduleResolution node16 types.mts && echo "types (module node16): ok"
"${tsc_strict[@]}" --module nodenext --moduleResolution nodenext types.cts types.mts && echo "types (module nodenext): ok"
cat > bundler.ts <<'TS'
import { createKalshiClient, type KalshiClient } from 'marketmux/kalshi';
import { createMarketClient, type MarketError } from 'marketmux';
export const k: KalshiClient = createKalshiClient({ env: false });
export const m = createMarketClient({ env: {} });
export const isMarketError = (e: unknown): e is MarketError => e instanceof Error && 'provider' in e;
TS
"${tsc_strict[@]}" --module esnext --moduleResolution bundler --target es2022 bundler.ts && echo "types (moduleResolution bundler): ok"
npx --no-install marketmux --help | head -n 1
npx --no-install marketmux keys generate --out "$work/k.pem" >/dev/null && test "$(stat -c %a "$work/k.pem")" = 600 && echo "bin: ok"
# An ESM bundle of a program that imports marketmux (esbuild, platform node). Some
# dependencies are CommonJS and require() Node built-ins; inside an ESM bundle esbuild's
# require shim throws `Dynamic require of "stream" is not supported` unless the bundle has a
# real require: the createRequire banner. Leaving node_modules out of the bundle works too.
cat > bundled.mjs <<'JS'
import { createCs2CapClient } from 'marketmux';
import { startSandbox } from 'marketmux/testkit';
const sb = await startSandbox();
const c = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl });
const page = await c.getPrices({ itemId: 1000 });
if (!page.items.length) throw new Error('bundle: no prices');
await c.close(); await sb.close();
console.log('ok');
JS
esbuild="$root/node_modules/.bin/esbuild"
"$esbuild" bundled.mjs --bundle --platform=node --format=esm --log-level=warning --outfile=bundle-all.mjs \
  --banner:js="import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);"
test "$(timeout 20 node bundle-all.mjs)" = ok && echo "ESM bundle (esbuild, createRequire banner): ok"
"$esbuild" bundled.mjs --bundle --platform=node --format=esm --log-level=warning --outfile=bundle-external.mjs --packages=external
test "$(timeout 20 node bundle-external.mjs)" = ok && echo "ESM bundle (esbuild, --packages=external): ok"
