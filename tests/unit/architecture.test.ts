import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The layers of README « Architecture » (DESIGN §3), checked on the source: a file that breaks
 * them fails here with its name and the import at fault.
 */

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file names: `import … from`, `export … from`, `import(…)`. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g), ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return found.map((match) => match[1]!);
}

/** The folder under src/ a relative import lands in ('domain', 'web'…), or 'library' for a package. */
function layerOf(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return 'library';
  const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
  if (target.startsWith('..')) return 'outside';
  return target.split(path.sep)[0]!.replace(/\.ts$/, '');
}

/** `file → specifier` for each import of a file in `layer` that lands in a layer not allowed. */
function offences(layer: string, allowed: (target: string) => boolean): string[] {
  return sourceFiles(path.join(SRC, layer)).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !allowed(layerOf(file, specifier)))
      .map((specifier) => `${path.relative(SRC, file)} → ${specifier}`),
  );
}


/** The files under src/ a file imports directly (relative imports only), as absolute paths. */
function localImportsOf(file: string): string[] {
  return importsOf(file)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier));
}

/** Every file under src/ that `file` reaches through its imports, itself excluded. */
function reachableFrom(file: string): Set<string> {
  const seen = new Set<string>();
  const waiting = localImportsOf(file);
  while (waiting.length > 0) {
    const next = waiting.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    if (fs.existsSync(next)) waiting.push(...localImportsOf(next));
  }
  seen.delete(file);
  return seen;
}

/** `file ⇒ reached file` for each file of `layer` that reaches, even through others, a layer not allowed. */
function transitiveOffences(layer: string, allowed: string[]): string[] {
  return sourceFiles(path.join(SRC, layer)).flatMap((file) =>
    [...reachableFrom(file)]
      .filter((target) => !allowed.includes(layerOf(SRC + '/x.ts', './' + path.relative(SRC, target))))
      .map((target) => `${path.relative(SRC, file)} ⇒ ${path.relative(SRC, target)}`),
  );
}

/** Each import circle once, as the files in it: `a → b → a`. */
function importCircles(): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const circles: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    trail.push(file);
    for (const next of localImportsOf(file)) {
      if (state.get(next) === 'open') circles.push([...trail.slice(trail.indexOf(next)), next].map((f) => path.relative(SRC, f)).join(' → '));
      else if (!state.has(next) && fs.existsSync(next)) visit(next);
    }
    trail.pop();
    state.set(file, 'done');
  };
  for (const file of sourceFiles(SRC)) if (!state.has(file)) visit(file);
  return circles;
}

describe('the layers', () => {
  it('domain imports libraries and the domain only (pure rules, no I/O)', () => {
    expect(offences('domain', (target) => target === 'library' || target === 'domain')).toEqual([]);
  });

  it('model (the shapes of records) imports only model, domain and config types', () => {
    expect(offences('model', (target) => ['library', 'model', 'domain', 'config'].includes(target))).toEqual([]);
  });

  it('web imports nothing from data: it goes through services and the model', () => {
    expect(offences('web', (target) => target !== 'data')).toEqual([]);
  });

  it('integrations import nothing from web or services', () => {
    expect(offences('integrations', (target) => target !== 'web' && target !== 'services')).toEqual([]);
  });

  it('data imports nothing from services or web', () => {
    expect(offences('data', (target) => target !== 'services' && target !== 'web')).toEqual([]);
  });

  it('only the entry points and the config read the environment', () => {
    const entryPoints = (file: string) => /^(server\.ts|config\/|cli\/)/.test(path.relative(SRC, file));
    const readers = sourceFiles(SRC)
      .filter((file) => !entryPoints(file))
      .filter((file) => /\bprocess\.env\b/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(SRC, file));
    expect(readers).toEqual([]);
  });

  it('i18n (words for codes) imports libraries, i18n, model, domain and config only', () => {
    expect(offences('i18n', (target) => ['library', 'i18n', 'model', 'domain', 'config'].includes(target))).toEqual([]);
  });

  it('domain, model and i18n stay in their layers through every import they reach, not only the first', () => {
    expect(transitiveOffences('domain', ['domain'])).toEqual([]);
    expect(transitiveOffences('model', ['model', 'domain', 'config'])).toEqual([]);
    expect(transitiveOffences('i18n', ['i18n', 'model', 'domain', 'config'])).toEqual([]);
  });

  it('has no import circle (a mail module takes its types from src/model, never from the service that sends it)', () => {
    expect(importCircles()).toEqual([]);
  });

  it('back-office routes take nothing from the parent portal\'s routes: shared helpers live in src/web', () => {
    const offending = sourceFiles(path.join(SRC, 'web/routes/admin')).flatMap((file) =>
      localImportsOf(file)
        .filter((target) => path.relative(SRC, target).startsWith(path.join('web', 'routes', 'portal')))
        .map((target) => `${path.relative(SRC, file)} → ${path.relative(SRC, target)}`),
    );
    expect(offending).toEqual([]);
  });

  it('groups the services by area: no use case is left at the top of src/services', () => {
    const top = fs.readdirSync(path.join(SRC, 'services')).filter((name) => name.endsWith('.ts'));
    expect(top.sort()).toEqual(['index.ts', 'mail.ts']);
  });

  it('finds the imports it checks (a broken scan would pass everything)', () => {
    expect(importsOf(path.join(SRC, 'web/app.ts'))).toContain('./middleware/errors.ts');
    expect(layerOf(path.join(SRC, 'web/app.ts'), '../services/index.ts')).toBe('services');
    expect(layerOf(path.join(SRC, 'web/app.ts'), 'express')).toBe('library');
    expect(reachableFrom(path.join(SRC, 'web/app.ts')).has(path.join(SRC, 'domain/errors.ts'))).toBe(true);
  });
});
