/**
 * Fast inference. The ensemble is re-laid out once into a traversal-friendly form: the two
 * children of a node sit next to each other (right = left + 1), a leaf stores its value in the
 * threshold slot, and a categorical split is marked by a NaN threshold, so the common numeric step
 * reads three arrays and takes one comparison.
 */

import type { TreeEnsemble } from './ensemble.js';

export function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-margin));
}

/**
 * The traversal layout, shared by the predictor and TreeSHAP. Nodes of a tree are numbered
 * breadth-first, so a parent always comes before its children and tree t spans
 * [roots[t], roots[t + 1]).
 */
export interface Layout {
  /** Feature of each node, -1 on leaves. */
  readonly feat: Int32Array;
  /** Split threshold, NaN on categorical splits, leaf value on leaves. */
  readonly thr: Float32Array;
  /** Left child; the right child is left + 1. */
  readonly left: Int32Array;
  readonly defaultLeft: Uint8Array;
  /** Node index in the source tree (what XGBoost reports as the leaf index). */
  readonly sourceNode: Int32Array;
  /** Source (global) node index, to reach covers and other per-node data. */
  readonly sourceGlobal: Int32Array;
  readonly catStart: Int32Array;
  readonly catWords: Int32Array;
  readonly catBits: Uint32Array;
  /** First node of each tree plus one past the end: length numTrees + 1. */
  readonly roots: Int32Array;
}

/** Codes at or above 2^32 would wrap in the bitset word index; no split lists them. */
const MAX_CODE_EXCLUSIVE = 2 ** 32;

/**
 * The child of split node n that value v goes to. Numeric: v < threshold → left; missing → the
 * default side; categorical (NaN threshold): the code's bit set → right, anything else → left
 * (unseen, negative, fractional or huge codes, as XGBoost does).
 */
export function childOf(L: Layout, n: number, v: number): number {
  const c = L.thr[n];
  if (v < c) return L.left[n];
  if (v !== v) return L.left[n] + 1 - L.defaultLeft[n];
  if (c !== c) {
    if (!(v >= 0 && v < MAX_CODE_EXCLUSIVE) || v !== Math.floor(v)) return L.left[n];
    const word = v >>> 5;
    if (word >= L.catWords[n]) return L.left[n];
    return L.left[n] + ((L.catBits[L.catStart[n] + word] >>> (v & 31)) & 1);
  }
  return L.left[n] + 1;
}

export class Predictor implements Layout {
  readonly numFeatures: number;
  readonly numTrees: number;
  readonly baseMargin: number;
  readonly feat: Int32Array;
  readonly thr: Float32Array;
  readonly left: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly sourceNode: Int32Array;
  readonly sourceGlobal: Int32Array;
  readonly catStart: Int32Array;
  readonly catWords: Int32Array;
  readonly catBits: Uint32Array;
  readonly roots: Int32Array;
  /** Scratch row for the single-row path, so it allocates nothing per call. */
  private readonly scratch: Float32Array;
  /**
   * Batch layout: every tree padded to a complete binary tree of its own depth (a leaf above the
   * bottom becomes splits whose every descendant leaf holds its value), so a block of rows
   * descends level by level with no data-dependent loop exit, and the rows of a block are
   * independent work the CPU overlaps. Null when a tree is too deep to pad.
   */
  private readonly complete: CompleteTrees | null;

  constructor(e: TreeEnsemble) {
    this.numFeatures = e.numFeatures;
    this.numTrees = e.numTrees;
    this.baseMargin = e.baseMargin;
    const n = e.numNodes;
    this.feat = new Int32Array(n);
    this.thr = new Float32Array(n);
    this.left = new Int32Array(n);
    this.defaultLeft = new Uint8Array(n);
    this.sourceNode = new Int32Array(n);
    this.sourceGlobal = new Int32Array(n);
    this.catStart = new Int32Array(n).fill(-1);
    this.catWords = new Int32Array(n);
    this.catBits = e.catBits;
    this.roots = new Int32Array(e.numTrees + 1);
    this.scratch = new Float32Array(e.numFeatures);
    // Breadth-first renumbering per tree puts siblings side by side.
    let next = 0;
    const queue = new Int32Array(n);
    const placed = new Int32Array(n);
    for (let t = 0; t < e.numTrees; t++) {
      const root = e.treeStart[t];
      let head = 0;
      let tail = 0;
      queue[tail++] = root;
      placed[root] = next++;
      this.roots[t] = placed[root];
      while (head < tail) {
        const src = queue[head++];
        const dst = placed[src];
        this.sourceNode[dst] = src - root;
        this.sourceGlobal[dst] = src;
        this.defaultLeft[dst] = e.defaultLeft[src];
        if (e.feature[src] < 0) {
          this.feat[dst] = -1;
          this.thr[dst] = e.value[src];
          continue;
        }
        this.feat[dst] = e.feature[src];
        if (e.catStart[src] >= 0) {
          this.thr[dst] = NaN;
          this.catStart[dst] = e.catStart[src];
          this.catWords[dst] = e.catWords[src];
        } else {
          this.thr[dst] = e.threshold[src];
        }
        const l = e.left[src];
        const r = e.right[src];
        placed[l] = next;
        placed[r] = next + 1;
        this.left[dst] = next;
        next += 2;
        queue[tail++] = l;
        queue[tail++] = r;
      }
    }
    this.roots[e.numTrees] = next;
    this.complete = e.maxDepth <= MAX_PADDED_DEPTH ? buildCompleteTrees(this) : null;
  }

  /** The leaf (compiled index) that `x[offset .. offset+numFeatures)` reaches in tree t. */
  private leafOf(t: number, x: ArrayLike<number>, offset: number): number {
    const feat = this.feat;
    let n = this.roots[t];
    let f = feat[n];
    while (f >= 0) {
      n = childOf(this, n, x[offset + f]);
      f = feat[n];
    }
    return n;
  }

  /**
   * Margins of a row-major float32 matrix (NaN = missing) into `out`.
   * @param x rows × numFeatures values
   * @param out one margin per row (allocated when not given)
   */
  predictMargins(x: Float32Array, rows: number, out: Float64Array = new Float64Array(rows)): Float64Array {
    const m = this.numFeatures;
    const base = this.baseMargin;
    const trees = this.numTrees;
    const c = this.complete;
    for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      const r1 = Math.min(rows, r0 + BLOCK_ROWS);
      for (let r = r0; r < r1; r++) out[r] = base;
      if (c === null) {
        const thr = this.thr;
        for (let t = 0; t < trees; t++) {
          for (let r = r0; r < r1; r++) out[r] += thr[this.leafOf(t, x, r * m)];
        }
        continue;
      }
      const idx = c.position;
      const cfeat = c.feat;
      const cthr = c.thr;
      const count = r1 - r0;
      for (let t = 0; t < trees; t++) {
        const nodeBase = c.nodeStart[t];
        const depth = c.depth[t];
        idx.fill(0, 0, count);
        for (let d = 0; d < depth; d++) {
          for (let k = 0, rowOffset = r0 * m; k < count; k++, rowOffset += m) {
            const p = idx[k];
            const node = nodeBase + p;
            const v = x[rowOffset + cfeat[node]];
            // Branch-free step: the sign bit of (v − cut) says left (1) or right (0); adding +0
            // turns −0 into +0 so v = cut goes right. NaN (a missing value, a categorical split
            // or ∞ − ∞) takes the general rule.
            const diff = v - cthr[node] + 0;
            if (diff !== diff) {
              const src = c.source[node];
              idx[k] = 2 * p + (childOf(this, src, v) === this.left[src] ? 1 : 2);
            } else {
              SIGN_F64[0] = diff;
              idx[k] = 2 * p + 2 - (SIGN_U32[1] >>> 31);
            }
          }
        }
        const leafBase = c.leafStart[t] - ((1 << depth) - 1);
        for (let k = 0; k < count; k++) out[r0 + k] += c.leaf[leafBase + idx[k]];
      }
    }
    return out;
  }

  /** Probabilities of a row-major matrix. */
  predictProba(x: Float32Array, rows: number, out: Float64Array = new Float64Array(rows)): Float64Array {
    this.predictMargins(x, rows, out);
    for (let r = 0; r < rows; r++) out[r] = sigmoid(out[r]);
    return out;
  }

  /**
   * Margin of one row given as any array of numbers (rounded to float32 here, as XGBoost does).
   * Allocates nothing.
   */
  predictRowMargin(row: ArrayLike<number>): number {
    const s = this.scratch;
    for (let j = 0; j < this.numFeatures; j++) s[j] = row[j];
    let sum = this.baseMargin;
    for (let t = 0; t < this.numTrees; t++) sum += this.thr[this.leafOf(t, s, 0)];
    return sum;
  }

  /** Leaf node indices (in the source trees' numbering, as XGBoost's pred_leaf) of one row. */
  predictLeaves(row: ArrayLike<number>, out: Int32Array = new Int32Array(this.numTrees)): Int32Array {
    const s = this.scratch;
    for (let j = 0; j < this.numFeatures; j++) s[j] = row[j];
    for (let t = 0; t < this.numTrees; t++) out[t] = this.sourceNode[this.leafOf(t, s, 0)];
    return out;
  }
}

/** Shared scratch to read a double's sign bit (the high word, little-endian). */
const SIGN_F64 = new Float64Array(1);
const SIGN_U32 = new Uint32Array(SIGN_F64.buffer);

/** Rows that descend the trees together in batch prediction. */
const BLOCK_ROWS = 64;
/** Deepest tree padded to a complete tree (2^depth leaves each). */
const MAX_PADDED_DEPTH = 12;

interface CompleteTrees {
  depth: Int32Array;
  /** Offset of each tree's 2^depth − 1 split slots in feat/thr/source. */
  nodeStart: Int32Array;
  /** Offset of each tree's 2^depth leaves in `leaf`. */
  leafStart: Int32Array;
  feat: Int32Array;
  /** Threshold; +Infinity on padding (every value goes left, all leaves below are equal). */
  thr: Float32Array;
  /** The layout node a slot came from, for missing values and categorical splits. */
  source: Int32Array;
  leaf: Float32Array;
  /** Scratch: each block row's slot in the current tree. */
  position: Int32Array;
}

function buildCompleteTrees(L: Predictor): CompleteTrees {
  const trees = L.numTrees;
  const depth = new Int32Array(trees);
  const nodeStart = new Int32Array(trees);
  const leafStart = new Int32Array(trees);
  let nodes = 0;
  let leaves = 0;
  for (let t = 0; t < trees; t++) {
    depth[t] = layoutDepth(L, t);
    nodeStart[t] = nodes;
    leafStart[t] = leaves;
    nodes += (1 << depth[t]) - 1;
    leaves += 1 << depth[t];
  }
  const feat = new Int32Array(nodes);
  const thr = new Float32Array(nodes);
  const source = new Int32Array(nodes);
  const leaf = new Float32Array(leaves);
  for (let t = 0; t < trees; t++) {
    const D = depth[t];
    const internal = (1 << D) - 1;
    // Walk slots in order; slotNode holds the layout node each slot stands for (a leaf repeats
    // itself down to the bottom level).
    const slotNode = new Int32Array(internal + (1 << D));
    slotNode[0] = L.roots[t];
    for (let p = 0; p < internal + (1 << D); p++) {
      const n = slotNode[p];
      const isLeaf = L.feat[n] < 0;
      if (p < internal) {
        const g = nodeStart[t] + p;
        source[g] = n;
        if (isLeaf) {
          feat[g] = 0;
          thr[g] = Infinity;
          slotNode[2 * p + 1] = n;
          slotNode[2 * p + 2] = n;
        } else {
          feat[g] = L.feat[n];
          thr[g] = L.thr[n];
          slotNode[2 * p + 1] = L.left[n];
          slotNode[2 * p + 2] = L.left[n] + 1;
        }
      } else {
        leaf[leafStart[t] + p - internal] = L.thr[n];
      }
    }
  }
  return { depth, nodeStart, leafStart, feat, thr, source, leaf, position: new Int32Array(BLOCK_ROWS) };
}

function layoutDepth(L: Predictor, t: number): number {
  // Breadth-first numbering: a node's depth is its parent's plus one, parents come first.
  const lo = L.roots[t];
  const hi = L.roots[t + 1];
  const d = new Int32Array(hi - lo);
  let best = 0;
  for (let i = lo; i < hi; i++) {
    if (L.feat[i] < 0) continue;
    const c = L.left[i] - lo;
    d[c] = d[c + 1] = d[i - lo] + 1;
    if (d[c] > best) best = d[c];
  }
  return best;
}
