/**
 * The import graph of src/ keeps the layout's promises: no import cycles (a cycle means two
 * modules are one module in two files, and lets a layer reach back up), and src/core, the pure
 * engine, imports nothing from io/, storage/, server/ or cli/. The graph is read with
 * TypeScript's own import scanner (every import, export-from and dynamic import, type-only ones
 * included), so the test needs no bundler and no extra dependency.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

import { REPO_ROOT } from '../helpers/paths.js';

const SRC = join(REPO_ROOT, 'src');

type ImportGraph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports of every .ts file under `root`, as paths relative to `root`. */
function importGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const scanned = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = scanned.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('./') || spec.startsWith('../'))
      // NodeNext specifiers name the emitted .js file; the source is the .ts beside it.
      .map((spec) => relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/**
 * The import cycles of a graph: its strongly connected components of more than one module (or a
 * module importing itself), each listed as one cycle through it, by Tarjan's algorithm.
 */
function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => cycleThrough(graph, new Set(c)));
}

/** One cycle inside a strongly connected component, from its first module back to it (for the message). */
function cycleThrough(graph: ImportGraph, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component];
}

describe('import graph of src/', () => {
  it('finds cycles, self-imports and nothing else in a small graph', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['e.ts']],
      ['e.ts', ['e.ts']],
      ['f.ts', ['a.ts', 'missing.ts']],
    ]);
    assert.deepEqual(importCycles(graph), [
      ['e.ts', 'e.ts'],
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
    ]);
    assert.deepEqual(
      importCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
      [],
    );
  });

  it('reads imports, type-only imports and re-exports of the real sources', () => {
    const graph = importGraph(SRC);
    assert.ok(graph.size > 50, `only ${graph.size} modules found under ${SRC}`);
    const drift = graph.get(join('core', 'drift', 'index.ts')) ?? [];
    assert.ok(drift.includes(join('core', 'drift', 'registry.ts')), 'export-from is an edge');
    assert.ok(drift.includes(join('core', 'drift', 'types.ts')), 'export type is an edge');
    for (const [from, targets] of graph) {
      for (const to of targets) assert.ok(graph.has(to), `${from} imports ${to}, which is not a source file`);
    }
  });

  it('keeps src/core pure: its modules import only other modules of src/core', () => {
    const core = `core${sep}`;
    const outward = [...importGraph(SRC)]
      .filter(([from]) => from.startsWith(core))
      .flatMap(([from, targets]) => targets.filter((to) => !to.startsWith(core)).map((to) => `${from} -> ${to}`));
    assert.deepEqual(outward, [], 'core does no I/O: move the import to io/, storage/ or server/, or what it needs into core');
  });

  it('keeps src/contract a leaf: the dashboard compiles it for the browser, so it imports only itself', () => {
    const contract = `contract${sep}`;
    const outward = [...importGraph(SRC)]
      .filter(([from]) => from.startsWith(contract))
      .flatMap(([from, targets]) => targets.filter((to) => !to.startsWith(contract)).map((to) => `${from} -> ${to}`));
    assert.deepEqual(outward, [], 'the HTTP contract imports nothing from src/: build schemas that need core in the server');
  });

  it('has no import cycles', () => {
    const cycles = importCycles(importGraph(SRC));
    assert.deepEqual(
      cycles.map((c) => c.join(' -> ')),
      [],
      'break each cycle by moving what both modules need into a module of its own',
    );
  });
});
