import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { Layer } from '#engine/model/finding';
import type { NotCheckedDefinition } from '#engine/model/not-checked';
import * as catalogModule from '#engine/not-checked-catalog';
import { NOT_CHECKED_CATALOG } from '#engine/not-checked-catalog';
import { AuditReport } from '#engine/report/report';
import {
  NOT_CHECKED_BEGIN,
  NOT_CHECKED_END,
  renderNotCheckedCatalog,
  withNotCheckedSection,
} from '#engine/report/render-not-checked-catalog';

const LIMITS = 'docs/limits.md';
const CATALOGUE_MODULE = 'lambdas/shared/engine/not-checked-catalog.ts';

function isDefinition(value: unknown): value is NotCheckedDefinition {
  return typeof value === 'object' && value !== null && 'kind' in value && 'producedBy' in value;
}

const EXPORTED: readonly (readonly [string, NotCheckedDefinition])[] = Object.entries(catalogModule).flatMap(
  ([name, value]) => (isDefinition(value) ? [[name, value] as const] : []),
);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function parse(path: string, text = readFileSync(path, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
}

function visit(node: ts.Node, each: (node: ts.Node) => void): void {
  each(node);
  ts.forEachChild(node, (child) => {
    visit(child, each);
  });
}

function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) {
    return ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
  }
  return undefined;
}

/** Object literals shaped like a not-checked entry (`scope` and `reason`) that carry no `kind`, as `file:line`. */
function entriesWithoutKind(file: ts.SourceFile): string[] {
  const found: string[] = [];
  visit(file, (node) => {
    if (!ts.isObjectLiteralExpression(node)) return;
    const names = new Set(node.properties.map(propertyName));
    if (names.has('scope') && names.has('reason') && !names.has('kind')) {
      found.push(`${file.fileName}:${String(file.getLineAndCharacterOfPosition(node.getStart()).line + 1)}`);
    }
  });
  return found;
}

/** The identifiers a module uses outside its import declarations. */
function usedNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  visit(file, (node) => {
    if (ts.isIdentifier(node) && !isInImport(node)) names.add(node.text);
  });
  return names;
}

function isInImport(node: ts.Node): boolean {
  return ts.findAncestor(node, ts.isImportDeclaration) !== undefined;
}

describe('the not-checked catalogue', () => {
  it('has unique kinds named NC-<layer>-…, each exported under its own name and listed in NOT_CHECKED_CATALOG', () => {
    const kinds = NOT_CHECKED_CATALOG.map((entry) => entry.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const prefixes: Readonly<Record<Layer, string>> = {
      input: 'NC-INPUT-',
      config: 'NC-CFG-',
      'control-plane': 'NC-CP-',
      node: 'NC-NODE-',
    };
    for (const entry of NOT_CHECKED_CATALOG)
      expect([entry.kind, entry.kind.startsWith(prefixes[entry.layer])]).toEqual([entry.kind, true]);
    for (const [name, entry] of EXPORTED) {
      expect(name).toBe(entry.kind.replace(/-/g, '_'));
      expect([name, NOT_CHECKED_CATALOG.includes(entry as (typeof NOT_CHECKED_CATALOG)[number])]).toEqual([name, true]);
    }
    expect(EXPORTED).toHaveLength(NOT_CHECKED_CATALOG.length);
  });

  it('says for every kind when it happens, why, and what gets it checked', () => {
    for (const entry of NOT_CHECKED_CATALOG) {
      for (const text of [entry.when, entry.why, entry.remedy]) {
        expect([entry.kind, text.trim().length > 10, /[.)`]$/.test(text)]).toEqual([entry.kind, true, true]);
      }
    }
  });

  it('names modules that really produce the kind (the constant used outside the imports)', () => {
    for (const [name, entry] of EXPORTED) {
      for (const path of entry.producedBy) {
        expect([name, path, existsSync(path)]).toEqual([name, path, true]);
        expect([name, path, usedNames(parse(path)).has(name)]).toEqual([name, path, true]);
      }
    }
  });

  it('is the only producer of kinds: every module that uses a kind is named in its producedBy', () => {
    const producers = new Map(EXPORTED.map(([name, entry]) => [name, new Set(entry.producedBy)]));
    for (const path of sourceFiles('lambdas').filter((file) => file !== CATALOGUE_MODULE)) {
      const used = usedNames(parse(path));
      for (const [name, files] of producers) {
        if (used.has(name)) expect([name, path, files.has(path)]).toEqual([name, path, true]);
      }
    }
  });
});

describe('not-checked entries in the sources', () => {
  it('finds an entry built without a kind (the scan below can fail)', () => {
    const sample = parse('sample.ts', "const entry = { scope: `node ${name}`, reason: 'no tc output' };");
    expect(entriesWithoutKind(sample)).toEqual(['sample.ts:1']);
    expect(
      entriesWithoutKind(parse('sample.ts', 'const entry = notCheckedOf(NC_NODE_NO_OUTPUTS, scope, reason);')),
    ).toEqual([]);
  });

  it('are all built with a kind (through notCheckedOf): no { scope, reason } literal without one under lambdas/', () => {
    const files = sourceFiles('lambdas').filter((file) => file !== CATALOGUE_MODULE);
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((file) => entriesWithoutKind(parse(file)))).toEqual([]);
  });
});

describe('docs/limits.md', () => {
  const limits = readFileSync(LIMITS, 'utf8');

  it('holds the generated "Not checked" section (regenerate with npm run docs:limits)', () => {
    expect(limits).toBe(withNotCheckedSection(limits, renderNotCheckedCatalog(NOT_CHECKED_CATALOG)));
    expect(limits.indexOf(NOT_CHECKED_BEGIN)).toBeGreaterThan(0);
    expect(limits.indexOf(NOT_CHECKED_END)).toBeGreaterThan(limits.indexOf(NOT_CHECKED_BEGIN));
  });

  it('lists every kind of the catalogue', () => {
    for (const entry of NOT_CHECKED_CATALOG)
      expect([entry.kind, limits.includes(`| \`${entry.kind}\` |`)]).toEqual([entry.kind, true]);
  });

  it('keeps the hand-written sections around the generated one', () => {
    const replaced = withNotCheckedSection(
      `# Limits\n\nbefore\n\n${NOT_CHECKED_BEGIN}\nold\n${NOT_CHECKED_END}\n\nafter\n`,
      'NEW',
    );
    expect(replaced).toBe('# Limits\n\nbefore\n\nNEW\n\nafter\n');
    expect(withNotCheckedSection('# Limits\n\nonly hand-written\n', 'NEW')).toBe(
      '# Limits\n\nonly hand-written\n\nNEW\n',
    );
  });
});

describe('the report schema', () => {
  const minimal = { scope: 'node layer', reason: 'the source has no node outputs (nodes/ in a snapshot)' };

  it('reads an entry without kind (reports written before it) and with a declared kind', () => {
    const entry = AuditReport.shape.notChecked.element;
    expect(entry.parse(minimal)).toEqual(minimal);
    expect(entry.parse({ ...minimal, kind: 'NC-NODE-NO-OUTPUTS' })).toEqual({ ...minimal, kind: 'NC-NODE-NO-OUTPUTS' });
  });

  it('refuses a kind the catalogue does not declare', () => {
    expect(AuditReport.shape.notChecked.element.safeParse({ ...minimal, kind: 'NC-NODE-MADE-UP' }).success).toBe(false);
  });
});
