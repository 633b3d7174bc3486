/**
 * `npm run generate`: for each target of scripts/generate/targets.json, read its OpenAPI
 * spec and overlay and write its generated module. `npm run generate -- --check` writes
 * nothing and exits 1 if a committed module differs from what the spec gives (drift).
 * `--only <prefix>` limits the run to one target.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitOperationsModule } from './emit-operations.mjs';
import { loadSpec } from './load-spec.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const targets = JSON.parse(readFileSync(resolve(root, 'scripts/generate/targets.json'), 'utf8')).filter((t) => !only || t.prefix === only);
if (!targets.length) {
  process.stderr.write(`no target${only ? ` named ${only}` : ''}\n`);
  process.exit(2);
}

let drift = 0;
for (const target of targets) {
  const specFile = resolve(root, target.spec);
  const specBytes = readFileSync(specFile, 'utf8');
  const overlay = target.overlay ? JSON.parse(readFileSync(resolve(root, target.overlay), 'utf8')) : {};
  const out = resolve(root, target.out);
  const validationImport = relative(dirname(out), resolve(root, 'src/validation.js')).split(sep).join('/');
  const text = emitOperationsModule({ doc: loadSpec(specFile), overlay, specLabel: target.specLabel ?? target.spec, specBytes, prefix: target.prefix, typePrefix: target.typePrefix, validationImport });
  const current = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  if (check) {
    if (current !== text) {
      drift += 1;
      process.stderr.write(`${target.out} is not what ${target.spec} gives: run npm run generate and commit the result\n`);
    }
    continue;
  }
  mkdirSync(dirname(out), { recursive: true });
  if (current !== text) writeFileSync(out, text);
  process.stdout.write(`${target.out}: ${current === text ? 'unchanged' : 'written'}\n`);
}
process.exit(drift ? 1 : 0);
