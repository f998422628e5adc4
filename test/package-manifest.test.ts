import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SCANNED = ['src', 'bench', 'test', 'bin', 'migrations'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

interface BareImport {
  file: string;
  specifier: string;
  /** `import type …`, `export type … from`, `import('x').T` in a type: erased before anything runs. */
  typeOnly: boolean;
}

/** Code that only tests and benchmarks run: it may use devDependencies. */
function isDevOnly(file: string): boolean {
  return (
    file.startsWith('test/') ||
    file.startsWith('bench/') ||
    /\.(test|contract)\.[cm]?[jt]s$/.test(file) ||
    /(^|\/)testing\//.test(file) ||
    /-(testing|contract)\.[cm]?[jt]s$/.test(file)
  );
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isBare(specifier: string): boolean {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return false;
  if (specifier.startsWith('node:') || /^[a-z]+:/.test(specifier)) return false;
  return !builtinModules.includes(packageOf(specifier));
}

/** Every module specifier in one file: static and dynamic imports, re-exports, require(), import.meta.resolve(). */
function importsOf(file: string, text: string): BareImport[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: BareImport[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node) && isBare(node.text))
      found.push({ file, specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      add(node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve =
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'resolve' &&
        ts.isMetaProperty(callee.expression) &&
        callee.expression.name.text === 'meta';
      if (isDynamicImport || isRequire || isResolve) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { recursive: true, withFileTypes: true })
    .filter(
      (entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.parentPath.includes('node_modules'),
    )
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/** What is wrong with the manifest, one line per package and file. */
function undeclared(
  imports: readonly BareImport[],
  manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
): string[] {
  const runtime = new Set(Object.keys(manifest.dependencies ?? {}));
  const dev = new Set(Object.keys(manifest.devDependencies ?? {}));
  const problems = new Set<string>();
  for (const { file, specifier, typeOnly } of imports) {
    const name = packageOf(specifier);
    if (runtime.has(name)) continue;
    if (dev.has(name)) {
      if (!typeOnly && !isDevOnly(file))
        problems.add(`${name}: imported at run time by ${file}, declared only in devDependencies`);
      continue;
    }
    problems.add(`${name}: imported by ${file}, declared nowhere`);
  }
  return [...problems].sort();
}

describe('package.json', () => {
  it('declares every package the code imports (dependencies for what runs, devDependencies for tests and benches)', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const imports = SCANNED.flatMap(sourceFiles).flatMap((file) =>
      importsOf(file, readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(imports.length).toBeGreaterThan(100);
    expect(undeclared(imports, manifest)).toEqual([]);
  });

  it('finds every form of bare import, and tells type-only and test-only uses apart', () => {
    const text = [
      "import fp from 'fastify-plugin';",
      "import type { WebSocket } from 'ws';",
      "import { type A, type B } from 'typed-only';",
      "export { x } from '@scope/pkg/sub/path.js';",
      "const lazy = await import('lazy-pkg');",
      "const cjs = require('cjs-pkg');",
      "const hook = import.meta.resolve('tsx');",
      "let t: import('type-pkg').T;",
      "import { a } from './local.ts';",
      "import { b } from 'node:fs';",
      "import { c } from 'path';",
      "const s = { from: 'end' }; emit('end');",
    ].join('\n');
    const found = importsOf('src/x.ts', text).map((i) => `${i.specifier}${i.typeOnly ? ' (type)' : ''}`);
    expect(found).toEqual([
      'fastify-plugin',
      'ws (type)',
      'typed-only (type)',
      '@scope/pkg/sub/path.js',
      'lazy-pkg',
      'cjs-pkg',
      'tsx',
      'type-pkg (type)',
    ]);

    const manifest = { dependencies: { tsx: '1' }, devDependencies: { vitest: '1', ws: '1' } };
    expect(
      undeclared(
        [
          { file: 'src/a.ts', specifier: 'fastify-plugin', typeOnly: false },
          { file: 'src/b.ts', specifier: 'vitest', typeOnly: false },
          { file: 'src/b.test.ts', specifier: 'vitest', typeOnly: false },
          { file: 'src/c.ts', specifier: 'ws', typeOnly: true },
          { file: 'bin/x.mjs', specifier: 'tsx', typeOnly: false },
          { file: 'test/t.test.ts', specifier: 'fast-jwt', typeOnly: false },
        ],
        manifest,
      ),
    ).toEqual([
      'fast-jwt: imported by test/t.test.ts, declared nowhere',
      'fastify-plugin: imported by src/a.ts, declared nowhere',
      'vitest: imported at run time by src/b.ts, declared only in devDependencies',
    ]);
  });
});
