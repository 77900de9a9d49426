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
 * The child of split node n that the value v = x[at] goes to. Numeric: v < threshold → left;
 * missing → the default side; categorical (NaN threshold): the code's bit set → right, anything
 * else → left (unseen, negative, fractional or huge codes, as XGBoost does). Takes the array and
 * index, not the value: a double passed to a call that is not inlined is boxed, an allocation
 * per missing value or categorical split.
 */
export function childOf(L: Layout, n: number, x: ArrayLike<number>, at: number): number {
  const v = x[at];
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
    this.complete = e.maxDepth <= MAX_PADDED_DEPTH ? buildCompleteTrees(this, !e.hasCategorical) : null;
  }

  /** The leaf (compiled index) that `x[offset .. offset+numFeatures)` reaches in tree t. */
  private leafOf(t: number, x: ArrayLike<number>, offset: number): number {
    const feat = this.feat;
    let n = this.roots[t];
    let f = feat[n];
    while (f >= 0) {
      n = childOf(this, n, x, offset + f);
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
    const base = +this.baseMargin;
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
      const cfeat = c.feat;
      const cthr = c.thr;
      const count = r1 - r0;
      if (c.mirrored) {
        // Numeric model: every step is one comparison on the mirrored block (see CompleteTrees).
        const xx = c.block;
        const w = 2 * m;
        for (let k = 0; k < count; k++) {
          const src = (r0 + k) * m;
          for (let j = 0; j < m; j++) {
            const v = x[src + j];
            // Branches, not selects with the Infinity constant, which box v (see predictRowMargin).
            if (v !== v) {
              xx[k * w + j] = Infinity;
              xx[k * w + m + j] = Infinity;
            } else {
              xx[k * w + j] = v;
              xx[k * w + m + j] = -v;
            }
          }
        }
        const leaf = c.leaf;
        for (let t = 0; t < trees; t++) {
          const nodeBase = c.nodeStart[t];
          const depth = c.depth[t];
          const leafBase = c.leafStart[t] - ((1 << depth) - 1);
          // Four rows descend together, their positions in registers: four independent chains
          // the CPU overlaps. `+(a < b)` compiles to a flag read, not a branch the data would
          // mispredict.
          let k = 0;
          for (; k + 4 <= count; k += 4) {
            const o0 = k * w;
            const o1 = o0 + w;
            const o2 = o1 + w;
            const o3 = o2 + w;
            let p0 = 0;
            let p1 = 0;
            let p2 = 0;
            let p3 = 0;
            for (let d = 0; d < depth; d++) {
              p0 = 2 * p0 + 2 - +(xx[o0 + cfeat[nodeBase + p0]] < cthr[nodeBase + p0]);
              p1 = 2 * p1 + 2 - +(xx[o1 + cfeat[nodeBase + p1]] < cthr[nodeBase + p1]);
              p2 = 2 * p2 + 2 - +(xx[o2 + cfeat[nodeBase + p2]] < cthr[nodeBase + p2]);
              p3 = 2 * p3 + 2 - +(xx[o3 + cfeat[nodeBase + p3]] < cthr[nodeBase + p3]);
            }
            out[r0 + k] += leaf[leafBase + p0];
            out[r0 + k + 1] += leaf[leafBase + p1];
            out[r0 + k + 2] += leaf[leafBase + p2];
            out[r0 + k + 3] += leaf[leafBase + p3];
          }
          for (; k < count; k++) {
            const o = k * w;
            let q = 0;
            for (let d = 0; d < depth; d++) q = 2 * q + 2 - +(xx[o + cfeat[nodeBase + q]] < cthr[nodeBase + q]);
            out[r0 + k] += leaf[leafBase + q];
          }
        }
        continue;
      }
      const leaf = c.leaf;
      for (let t = 0; t < trees; t++) {
        const nodeBase = c.nodeStart[t];
        const depth = c.depth[t];
        const leafBase = c.leafStart[t] - ((1 << depth) - 1);
        let k = 0;
        for (; k + 4 <= count; k += 4) {
          const o0 = (r0 + k) * m;
          const o1 = o0 + m;
          const o2 = o1 + m;
          const o3 = o2 + m;
          let p0 = 0;
          let p1 = 0;
          let p2 = 0;
          let p3 = 0;
          for (let d = 0; d < depth; d++) {
            p0 = this.completeStep(c, nodeBase, p0, x, o0 + cfeat[nodeBase + p0]);
            p1 = this.completeStep(c, nodeBase, p1, x, o1 + cfeat[nodeBase + p1]);
            p2 = this.completeStep(c, nodeBase, p2, x, o2 + cfeat[nodeBase + p2]);
            p3 = this.completeStep(c, nodeBase, p3, x, o3 + cfeat[nodeBase + p3]);
          }
          out[r0 + k] += leaf[leafBase + p0];
          out[r0 + k + 1] += leaf[leafBase + p1];
          out[r0 + k + 2] += leaf[leafBase + p2];
          out[r0 + k + 3] += leaf[leafBase + p3];
        }
        for (; k < count; k++) {
          const o = (r0 + k) * m;
          let q = 0;
          for (let d = 0; d < depth; d++) q = this.completeStep(c, nodeBase, q, x, o + cfeat[nodeBase + q]);
          out[r0 + k] += leaf[leafBase + q];
        }
      }
    }
    return out;
  }

  /**
   * One step down a padded tree (slot p of the tree at nodeBase) for value v: one comparison,
   * or the general rule for a missing value or a categorical split (NaN threshold).
   */
  private completeStep(c: CompleteTrees, nodeBase: number, p: number, x: ArrayLike<number>, at: number): number {
    const cut = c.thr[nodeBase + p];
    const v = x[at];
    if (v !== v || cut !== cut) {
      const src = c.source[nodeBase + p];
      return 2 * p + (childOf(this, src, x, at) === this.left[src] ? 1 : 2);
    }
    return 2 * p + 2 - +(v < cut);
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
    const m = this.numFeatures;
    for (let j = 0; j < m; j++) s[j] = row[j];
    // Unary plus: without it V8 keeps `sum` tagged through the loops and boxes every addition
    // (a heap number per tree, 1.6 KB per call on a 200-tree model).
    let sum = +this.baseMargin;
    const c = this.complete;
    if (c !== null && c.mirrored) {
      // Numeric models take the padded trees as in batch: no data-dependent branch to
      // mispredict. Same leaves, same order: the same sum. (A categorical split needs its
      // branch either way.)
      const cfeat = c.feat;
      const cthr = c.thr;
      const leaf = c.leaf;
      const xx = c.block;
      for (let j = 0; j < m; j++) {
        const v = s[j];
        // Branches, not `missing ? Infinity : v`: that select boxes v (two heap numbers a feature).
        if (v !== v) {
          xx[j] = Infinity;
          xx[m + j] = Infinity;
        } else {
          xx[j] = v;
          xx[m + j] = -v;
        }
      }
      const nodeStart = c.nodeStart;
      const depth = c.depth;
      const leafStart = c.leafStart;
      const trees = this.numTrees;
      let t = 0;
      // Eight trees descend together (eight independent chains of loads for the CPU to overlap;
      // a step is a few dependent loads, so one chain alone leaves the core waiting) for the
      // levels they all have, then each finishes alone; leaves are added in tree order. The
      // remaining (at most seven) trees go one at a time.
      for (; t + 8 <= trees; t += 8) {
        const b0 = nodeStart[t];
        const b1 = nodeStart[t + 1];
        const b2 = nodeStart[t + 2];
        const b3 = nodeStart[t + 3];
        const b4 = nodeStart[t + 4];
        const b5 = nodeStart[t + 5];
        const b6 = nodeStart[t + 6];
        const b7 = nodeStart[t + 7];
        const d0 = depth[t];
        const d1 = depth[t + 1];
        const d2 = depth[t + 2];
        const d3 = depth[t + 3];
        const d4 = depth[t + 4];
        const d5 = depth[t + 5];
        const d6 = depth[t + 6];
        const d7 = depth[t + 7];
        const common = Math.min(d0, d1, d2, d3, d4, d5, d6, d7);
        let q0 = 0;
        let q1 = 0;
        let q2 = 0;
        let q3 = 0;
        let q4 = 0;
        let q5 = 0;
        let q6 = 0;
        let q7 = 0;
        for (let d = 0; d < common; d++) {
          q0 = 2 * q0 + 2 - +(xx[cfeat[b0 + q0]] < cthr[b0 + q0]);
          q1 = 2 * q1 + 2 - +(xx[cfeat[b1 + q1]] < cthr[b1 + q1]);
          q2 = 2 * q2 + 2 - +(xx[cfeat[b2 + q2]] < cthr[b2 + q2]);
          q3 = 2 * q3 + 2 - +(xx[cfeat[b3 + q3]] < cthr[b3 + q3]);
          q4 = 2 * q4 + 2 - +(xx[cfeat[b4 + q4]] < cthr[b4 + q4]);
          q5 = 2 * q5 + 2 - +(xx[cfeat[b5 + q5]] < cthr[b5 + q5]);
          q6 = 2 * q6 + 2 - +(xx[cfeat[b6 + q6]] < cthr[b6 + q6]);
          q7 = 2 * q7 + 2 - +(xx[cfeat[b7 + q7]] < cthr[b7 + q7]);
        }
        for (let d = common; d < d0; d++) q0 = 2 * q0 + 2 - +(xx[cfeat[b0 + q0]] < cthr[b0 + q0]);
        for (let d = common; d < d1; d++) q1 = 2 * q1 + 2 - +(xx[cfeat[b1 + q1]] < cthr[b1 + q1]);
        for (let d = common; d < d2; d++) q2 = 2 * q2 + 2 - +(xx[cfeat[b2 + q2]] < cthr[b2 + q2]);
        for (let d = common; d < d3; d++) q3 = 2 * q3 + 2 - +(xx[cfeat[b3 + q3]] < cthr[b3 + q3]);
        for (let d = common; d < d4; d++) q4 = 2 * q4 + 2 - +(xx[cfeat[b4 + q4]] < cthr[b4 + q4]);
        for (let d = common; d < d5; d++) q5 = 2 * q5 + 2 - +(xx[cfeat[b5 + q5]] < cthr[b5 + q5]);
        for (let d = common; d < d6; d++) q6 = 2 * q6 + 2 - +(xx[cfeat[b6 + q6]] < cthr[b6 + q6]);
        for (let d = common; d < d7; d++) q7 = 2 * q7 + 2 - +(xx[cfeat[b7 + q7]] < cthr[b7 + q7]);
        sum += leaf[leafStart[t] + q0 - ((1 << d0) - 1)];
        sum += leaf[leafStart[t + 1] + q1 - ((1 << d1) - 1)];
        sum += leaf[leafStart[t + 2] + q2 - ((1 << d2) - 1)];
        sum += leaf[leafStart[t + 3] + q3 - ((1 << d3) - 1)];
        sum += leaf[leafStart[t + 4] + q4 - ((1 << d4) - 1)];
        sum += leaf[leafStart[t + 5] + q5 - ((1 << d5) - 1)];
        sum += leaf[leafStart[t + 6] + q6 - ((1 << d6) - 1)];
        sum += leaf[leafStart[t + 7] + q7 - ((1 << d7) - 1)];
      }
      for (; t < trees; t++) {
        const base = nodeStart[t];
        let q = 0;
        for (let d = 0; d < depth[t]; d++) q = 2 * q + 2 - +(xx[cfeat[base + q]] < cthr[base + q]);
        sum += leaf[leafStart[t] + q - ((1 << depth[t]) - 1)];
      }
      return sum;
    }
    if (c !== null) {
      // Models with categorical splits: the padded trees too, two at a time; only a categorical
      // split or a missing value takes the general rule.
      const cfeat = c.feat;
      const leaf = c.leaf;
      const trees = this.numTrees;
      let t = 0;
      for (; t + 2 <= trees; t += 2) {
        const b0 = c.nodeStart[t];
        const b1 = c.nodeStart[t + 1];
        const d0 = c.depth[t];
        const d1 = c.depth[t + 1];
        const common = Math.min(d0, d1);
        let q0 = 0;
        let q1 = 0;
        for (let d = 0; d < common; d++) {
          q0 = this.completeStep(c, b0, q0, s, cfeat[b0 + q0]);
          q1 = this.completeStep(c, b1, q1, s, cfeat[b1 + q1]);
        }
        for (let d = common; d < d0; d++) q0 = this.completeStep(c, b0, q0, s, cfeat[b0 + q0]);
        for (let d = common; d < d1; d++) q1 = this.completeStep(c, b1, q1, s, cfeat[b1 + q1]);
        sum += leaf[c.leafStart[t] + q0 - ((1 << d0) - 1)];
        sum += leaf[c.leafStart[t + 1] + q1 - ((1 << d1) - 1)];
      }
      for (; t < trees; t++) {
        const b = c.nodeStart[t];
        let q = 0;
        for (let d = 0; d < c.depth[t]; d++) q = this.completeStep(c, b, q, s, cfeat[b + q]);
        sum += leaf[c.leafStart[t] + q - ((1 << c.depth[t]) - 1)];
      }
      return sum;
    }
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
  /** Threshold (float32 values held in doubles: the hot loop then converts nothing); +Infinity on padding. */
  thr: Float64Array;
  /** The layout node a slot came from, for missing values and categorical splits. */
  source: Int32Array;
  leaf: Float32Array;
  /**
   * Numeric models only (no categorical split): steps compare a "mirrored" row of 2m values,
   * x then −x, with missing values written as +∞ in both halves. A split that sends missing values
   * right keeps x < t. A split that sends them left becomes, with its children swapped, −x <
   * nextUp(−t) — the same test as x ≥ t for float32 values — where +∞ (missing) goes to the
   * swapped side, i.e. left. So no step checks for NaN.
   */
  mirrored: boolean;
  /** Scratch for the mirrored rows of a block (BLOCK_ROWS × 2m), when mirrored. */
  block: Float64Array;
}

function buildCompleteTrees(L: Predictor, mirrored: boolean): CompleteTrees {
  const trees = L.numTrees;
  const m = L.numFeatures;
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
  const thr = new Float64Array(nodes);
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
        } else if (mirrored && L.defaultLeft[n]) {
          feat[g] = m + L.feat[n];
          thr[g] = nextUpFloat32(-L.thr[n]);
          slotNode[2 * p + 1] = L.left[n] + 1;
          slotNode[2 * p + 2] = L.left[n];
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
  return { depth, nodeStart, leafStart, feat, thr, source, leaf, mirrored, block: new Float64Array(mirrored ? BLOCK_ROWS * 2 * m : 0) };
}

const NEXT_UP_F32 = new Float32Array(1);
const NEXT_UP_I32 = new Int32Array(NEXT_UP_F32.buffer);

/** The smallest float32 above y (y a finite float32 or +∞, which stays). */
export function nextUpFloat32(y: number): number {
  if (y === Infinity) return y;
  if (y === 0) return 2 ** -149;
  NEXT_UP_F32[0] = y;
  NEXT_UP_I32[0] += y > 0 ? 1 : -1;
  return NEXT_UP_F32[0];
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
