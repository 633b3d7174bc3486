/** What both providers' coverage tests check of their operation tables and client maps. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Each mapped name resolves to a function of the client, and no two operations share one. */
export function expectClientOperations(client: object, map: Readonly<Record<string, string>>): void {
  const names = Object.values(map);
  expect(new Set(names).size).toBe(names.length);
  for (const name of names) {
    const fn = name.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown> | undefined)?.[part], client);
    expect(typeof fn, name).toBe('function');
  }
}

/** The generator, run twice on the target's spec, makes the same text as the committed module. */
export async function expectNoDrift(prefix: string): Promise<void> {
  // @ts-expect-error: a plain .mjs module without type declarations
  const { emitOperationsModule } = (await import('../../scripts/generate/emit-operations.mjs')) as { emitOperationsModule: (i: unknown) => string };
  // @ts-expect-error: a plain .mjs module without type declarations
  const { loadSpec } = (await import('../../scripts/generate/load-spec.mjs')) as { loadSpec: (f: string) => unknown };
  const targets = JSON.parse(readFileSync(resolve(root, 'scripts/generate/targets.json'), 'utf8')) as { prefix: string; typePrefix: string; spec: string; specLabel: string; overlay: string; out: string }[];
  const target = targets.find((t) => t.prefix === prefix)!;
  const emit = (): string =>
    emitOperationsModule({
      doc: loadSpec(resolve(root, target.spec)),
      overlay: JSON.parse(readFileSync(resolve(root, target.overlay), 'utf8')),
      specLabel: target.specLabel,
      specBytes: readFileSync(resolve(root, target.spec), 'utf8'),
      prefix: target.prefix,
      typePrefix: target.typePrefix,
    });
  const text = emit();
  expect(emit()).toBe(text);
  expect(readFileSync(resolve(root, target.out), 'utf8')).toBe(text);
}
