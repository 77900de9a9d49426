/**
 * Renders deploy/kubernetes/ kustomizations as `kubectl kustomize` would, for the features these
 * files use and no others: `resources` (files and directories), `namespace`, `images` and
 * `patches` holding RFC 6902 JSON patches aimed by kind and name. A kustomization using anything
 * else is refused, so the shipped files cannot drift into a feature this renderer would get wrong.
 * (No kustomize binary is available offline here; `kubectl apply -k` reads the same files.)
 */

import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import jsonPatch from 'fast-json-patch';
import { parse, parseAllDocuments } from 'yaml';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { target: { kind: string; name: string }; patch: string }[];
}

const UNDERSTOOD = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);

function readManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
      return d.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** The manifests a kustomization directory renders to, in the order kustomize emits resources. */
export function renderKustomization(dir: string): Manifest[] {
  const file = join(dir, 'kustomization.yaml');
  const k = parse(readFileSync(file, 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !UNDERSTOOD.has(key));
  if (unknown.length > 0) throw new Error(`${file}: ${unknown.join(', ')} not supported by the test renderer`);
  if (k.kind !== 'Kustomization') throw new Error(`${file}: kind must be Kustomization`);
  let out: Manifest[] = [];
  for (const r of k.resources ?? []) {
    const path = resolve(dir, r);
    out.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readManifests(path)));
  }
  for (const p of k.patches ?? []) {
    const targets = out.filter((m) => m.kind === p.target.kind && m.metadata.name === p.target.name);
    if (targets.length !== 1)
      throw new Error(`${file}: patch target ${p.target.kind}/${p.target.name} matches ${targets.length} resources`);
    const ops = parse(p.patch) as jsonPatch.Operation[];
    const patched = jsonPatch.applyPatch(structuredClone(targets[0]), ops, true, false).newDocument;
    out = out.map((m) => (m === targets[0] ? patched : m));
  }
  for (const image of k.images ?? []) {
    for (const m of out) {
      for (const c of podContainers(m)) {
        const [name] = c.image.split(':');
        if (name === image.name) c.image = `${image.newName ?? name}:${image.newTag ?? 'latest'}`;
      }
    }
  }
  if (k.namespace !== undefined) for (const m of out) m.metadata.namespace = k.namespace;
  return out;
}

export interface Container {
  name: string;
  image: string;
  [key: string]: unknown;
}

/** The containers and init containers of a workload's pod template (none for other kinds). */
export function podContainers(m: Manifest): Container[] {
  const spec = (m.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } | undefined)
    ?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

export const kustomizeRoot = (repo: string): string => join(repo, 'deploy', 'kubernetes');
