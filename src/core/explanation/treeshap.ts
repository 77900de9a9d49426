/**
 * Exact path-dependent TreeSHAP (the values XGBoost's `pred_contribs` returns), with per-leaf
 * tables computed once at load so that explaining a row costs one pass over each tree.
 *
 * Why tables work: for one leaf, path-dependent TreeSHAP is the Shapley value of a game whose
 * players are the distinct features on the root→leaf path. Feature j has a zero fraction z_j
 * (product of child/parent covers where the path splits on j) and a one fraction o_j ∈ {0, 1}
 * (1 when the row follows the path at every split on j). The game value of a coalition S is
 * v · Π_{j∈S} o_j · Π_{j∉S} z_j. Its Shapley values depend on the row only through the set U of
 * satisfied features (o_j = 1), so with C(V) = Σ_{S⊆V} w(|S|) · Π_{j∈V∖S} z_j and
 * w(k) = k!(D−k−1)!/D! they are:
 *   j ∈ U:  v · (1 − z_j) · Π_{k∉U} z_k · C(U ∖ {j})
 *   j ∉ U: −v · Π_{k∉U} z_k · C(U)
 * For every leaf and every U (2^D of them, D ≤ depth) these numbers are precomputed; a row then
 * needs its U per leaf, which one breadth-first pass over the tree yields, and D additions per
 * leaf. The bias is the base margin plus each tree's cover-weighted mean leaf value.
 */

import { FraudlensError } from '../errors.js';
import type { TreeEnsemble } from '../engine/ensemble.js';
import { childOf, Predictor } from '../engine/predict.js';

/** Largest number of distinct features on one path the tables support (2^D entries per leaf). */
export const MAX_PATH_FEATURES = 12;

/** Contributions plus bias must equal the margin within this (float64 arithmetic, summed over trees). */
export const ADDITIVITY_TOLERANCE = 1e-6;

/** Rows explained together tree by tree in batch mode (their SHAP rows stay in L1/L2). */
const EXPLAIN_BLOCK_ROWS = 128;

export class TreeExplainer {
  readonly numFeatures: number;
  /** Base margin plus every tree's expected value: the explanation's starting point (margin). */
  readonly bias: number;
  private readonly layout: Predictor;
  /** Internal nodes: the bit of the node's feature among its path's distinct features. */
  private readonly nodeBit: Int32Array;
  /** Leaves: number of distinct features on the path (D). */
  private readonly leafDepth: Uint8Array;
  /**
   * Leaves: offset of the leaf's table in `table`. A non-negative offset is a compact table:
   * K(U) = v · Π_{k∉U} z_k · C(U) for every U (2^D entries), followed by a_k = (1 − z_k)/z_k
   * (D entries); then the unsatisfied features get −K(U) and a satisfied k gets a_k · K(U ∖ {k}).
   * A negative offset −1−o points to a full table at o ((D + 1) · 2^D entries, per U the
   * unsatisfied value then one value per bit), used when a zero fraction is 0 (a leaf no
   * training row reached), where the compact identity divides by zero.
   */
  private readonly leafTable: Int32Array;
  /** Leaves: offset of the path's distinct features (bit order) in `pathFeatures`. */
  private readonly leafFeatures: Int32Array;
  private readonly pathFeatures: Int32Array;
  private readonly table: Float64Array;
  /**
   * Split nodes and leaves of all trees as two lists (each tree's in breadth-first order), with
   * per-tree offsets: walking splits then leaves avoids a split-or-leaf branch per node.
   */
  private readonly splitNodes: Int32Array;
  private readonly splitStart: Int32Array;
  private readonly leafStart: Int32Array;
  /** Per leaf (in leafStart order), packed for one cache line: node index within its tree, D, feature offset, table offset. */
  private readonly leafMeta: Int32Array;
  /** Scratch: satisfied-feature mask per node of the tree being walked. */
  private readonly mask: Int32Array;
  private readonly scratchRow: Float32Array;

  /**
   * @param predictor the traversal layout (reuse the one the model serves with)
   */
  constructor(ensemble: TreeEnsemble, predictor: Predictor = new Predictor(ensemble)) {
    const L = predictor;
    this.layout = L;
    this.numFeatures = ensemble.numFeatures;
    const n = L.feat.length;
    this.nodeBit = new Int32Array(n);
    this.leafDepth = new Uint8Array(n);
    this.leafTable = new Int32Array(n);
    this.leafFeatures = new Int32Array(n);
    this.scratchRow = new Float32Array(ensemble.numFeatures);

    // Cover of each node in layout order; z of a child = its cover / parent's cover.
    const cover = new Float64Array(n);
    for (let i = 0; i < n; i++) cover[i] = ensemble.cover[L.sourceGlobal[i]];

    // Pass 1: per node, the distinct features on its path and their zero fractions.
    // Stored per node as small arrays in a flat pool, since parents precede children.
    const width = Math.max(1, ensemble.maxDepth);
    const pathFeat = new Int32Array(n * width);
    const pathZ = new Float64Array(n * width);
    const pathLen = new Int32Array(n);
    let tableSize = 0;
    let featSize = 0;
    let maxTreeNodes = 0;
    for (let t = 0; t < L.roots.length - 1; t++) {
      const lo = L.roots[t];
      const hi = L.roots[t + 1];
      maxTreeNodes = Math.max(maxTreeNodes, hi - lo);
      pathLen[lo] = 0;
      for (let i = lo; i < hi; i++) {
        const f = L.feat[i];
        const len = pathLen[i];
        if (f < 0) {
          if (len > MAX_PATH_FEATURES) {
            throw new FraudlensError('MODEL_UNSUPPORTED', `a path splits on ${len} distinct features; TreeSHAP tables support at most ${MAX_PATH_FEATURES}`);
          }
          this.leafDepth[i] = len;
          this.leafFeatures[i] = featSize;
          featSize += len;
          continue;
        }
        let bit = -1;
        for (let k = 0; k < len; k++) if (pathFeat[i * width + k] === f) bit = k;
        const newLen = bit < 0 ? len + 1 : len;
        if (bit < 0) bit = len;
        this.nodeBit[i] = 1 << bit;
        for (const c of [L.left[i], L.left[i] + 1]) {
          pathLen[c] = newLen;
          for (let k = 0; k < len; k++) {
            pathFeat[c * width + k] = pathFeat[i * width + k];
            pathZ[c * width + k] = pathZ[i * width + k];
          }
          const ratio = cover[c] / cover[i];
          if (bit === len) {
            pathFeat[c * width + bit] = f;
            pathZ[c * width + bit] = ratio;
          } else {
            pathZ[c * width + bit] *= ratio;
          }
        }
      }
    }

    // Table sizes: compact unless a zero fraction is 0.
    for (let i = 0; i < n; i++) {
      if (L.feat[i] >= 0) continue;
      const D = this.leafDepth[i];
      let compact = true;
      for (let k = 0; k < D; k++) if (!(pathZ[i * width + k] > 0)) compact = false;
      if (compact) {
        this.leafTable[i] = tableSize;
        tableSize += (1 << D) + D;
      } else {
        this.leafTable[i] = -1 - tableSize;
        tableSize += (D + 1) << D;
      }
    }

    // Pass 2: the leaf tables.
    this.table = new Float64Array(tableSize);
    this.pathFeatures = new Int32Array(featSize);
    const coalition = new Float64Array(1 << Math.min(width, MAX_PATH_FEATURES));
    const poly = new Float64Array(width + 2);
    const weight = new Float64Array(width + 1);
    const z = new Float64Array(width);
    for (let i = 0; i < n; i++) {
      if (L.feat[i] >= 0) continue;
      const D = this.leafDepth[i];
      const v = L.thr[i];
      for (let k = 0; k < D; k++) {
        this.pathFeatures[this.leafFeatures[i] + k] = pathFeat[i * width + k];
        z[k] = pathZ[i * width + k];
      }
      shapleyWeights(D, weight);
      // C(V) for every subset V of the D features.
      for (let V = 0; V < 1 << D; V++) coalition[V] = coalitionSum(V, D, z, weight, poly);
      const full = (1 << D) - 1;
      const at = this.leafTable[i];
      if (at >= 0) {
        for (let U = 0; U <= full; U++) {
          let zOut = 1;
          for (let k = 0; k < D; k++) if (!((U >>> k) & 1)) zOut *= z[k];
          this.table[at + U] = v * zOut * coalition[U];
        }
        for (let k = 0; k < D; k++) this.table[at + (1 << D) + k] = (1 - z[k]) / z[k];
      } else {
        const base = -1 - at;
        for (let U = 0; U <= full; U++) {
          let zOut = 1;
          for (let k = 0; k < D; k++) if (!((U >>> k) & 1)) zOut *= z[k];
          const row = base + U * (D + 1);
          this.table[row] = -v * zOut * coalition[U];
          for (let k = 0; k < D; k++) {
            this.table[row + 1 + k] = (U >>> k) & 1 ? v * (1 - z[k]) * zOut * coalition[U & ~(1 << k)] : 0;
          }
        }
      }
    }
    this.mask = new Int32Array(Math.max(1, maxTreeNodes));
    const trees = L.roots.length - 1;
    let splits = 0;
    for (let i = 0; i < n; i++) if (L.feat[i] >= 0) splits++;
    this.splitNodes = new Int32Array(splits);
    this.leafMeta = new Int32Array(4 * (n - splits));
    this.splitStart = new Int32Array(trees + 1);
    this.leafStart = new Int32Array(trees + 1);
    let si = 0;
    let li = 0;
    for (let t = 0; t < trees; t++) {
      this.splitStart[t] = si;
      this.leafStart[t] = li;
      for (let i = L.roots[t]; i < L.roots[t + 1]; i++) {
        if (L.feat[i] >= 0) this.splitNodes[si++] = i;
        else {
          this.leafMeta[4 * li] = i - L.roots[t];
          this.leafMeta[4 * li + 1] = this.leafDepth[i];
          this.leafMeta[4 * li + 2] = this.leafFeatures[i];
          this.leafMeta[4 * li + 3] = this.leafTable[i];
          li++;
        }
      }
    }
    this.splitStart[trees] = si;
    this.leafStart[trees] = li;

    // Bias: base margin plus each tree's cover-weighted mean leaf value (children after parents,
    // so a backward sweep sees both children of a node before the node itself).
    const mean = new Float64Array(n);
    let bias = ensemble.baseMargin;
    for (let t = 0; t < L.roots.length - 1; t++) {
      const lo = L.roots[t];
      for (let i = L.roots[t + 1] - 1; i >= lo; i--) {
        if (L.feat[i] < 0) mean[i] = L.thr[i];
        else {
          const l = L.left[i];
          mean[i] = (mean[l] * cover[l] + mean[l + 1] * cover[l + 1]) / cover[i];
        }
      }
      bias += mean[lo];
    }
    this.bias = bias;
  }

  /**
   * Adds tree t's contributions of the row at x[offset..] to phi[phiOffset..] (bias excluded).
   * Allocates nothing.
   */
  private accumulateTree(t: number, x: ArrayLike<number>, offset: number, phi: Float64Array, phiOffset: number): void {
    const L = this.layout;
    const feat = L.feat;
    const thr = L.thr;
    const left = L.left;
    const mask = this.mask;
    const table = this.table;
    const pathFeatures = this.pathFeatures;
    const lo = L.roots[t];
    mask[0] = -1;
    const splitNodes = this.splitNodes;
    for (let j = this.splitStart[t], end = this.splitStart[t + 1]; j < end; j++) {
      const i = splitNodes[j];
      const m = mask[i - lo];
      const c = left[i] - lo;
      const b = this.nodeBit[i];
      const v = x[offset + feat[i]];
      // Branch-free on the common numeric step (the direction is data-dependent, so a branch
      // would be mispredicted half the time): `+(v < cut)` compiles to a flag read. NaN (a
      // missing value or a categorical split) takes the shared rule.
      const cut = thr[i];
      const goLeft = v !== v || cut !== cut ? (childOf(L, i, v) === left[i] ? 1 : 0) : +(v < cut);
      mask[c] = m & ~(b * (1 - goLeft));
      mask[c + 1] = m & ~(b * goLeft);
    }
    const meta = this.leafMeta;
    for (let j = 4 * this.leafStart[t], end = 4 * this.leafStart[t + 1]; j < end; j += 4) {
      const D = meta[j + 1];
      if (D === 0) continue;
      const U = mask[meta[j]] & ((1 << D) - 1);
      const off = meta[j + 2];
      const at = meta[j + 3];
      if (at >= 0) {
        const k0 = table[at + U];
        const factors = at + (1 << D);
        for (let k = 0; k < D; k++) {
          // Selected by multiplying with the bit (0 or 1, exact) rather than branching on it.
          // An unsatisfied bit reads K(U) again (already in cache) instead of an unneeded entry.
          const bit = (U >>> k) & 1;
          phi[phiOffset + pathFeatures[off + k]] += bit * (table[factors + k] * table[at + (U ^ (bit << k))]) - (1 - bit) * k0;
        }
      } else {
        const row = -1 - at + U * (D + 1);
        const missed = table[row];
        for (let k = 0; k < D; k++) {
          const bit = (U >>> k) & 1;
          phi[phiOffset + pathFeatures[off + k]] += bit * table[row + 1 + k] + (1 - bit) * missed;
        }
      }
    }
  }

  /**
   * SHAP values of one row: numFeatures contributions then the bias, in margin units.
   * @param row feature values (rounded to float32 here, NaN = missing)
   */
  explainRow(row: ArrayLike<number>, out: Float64Array = new Float64Array(this.numFeatures + 1)): Float64Array {
    const s = this.scratchRow;
    for (let j = 0; j < this.numFeatures; j++) s[j] = row[j];
    out.fill(0);
    const trees = this.layout.roots.length - 1;
    for (let t = 0; t < trees; t++) this.accumulateTree(t, s, 0, out, 0);
    out[this.numFeatures] = this.bias;
    return out;
  }

  /** SHAP values of a row-major float32 matrix: rows × (numFeatures + 1), bias last. */
  explainBatch(x: Float32Array, rows: number, out: Float64Array = new Float64Array(rows * (this.numFeatures + 1))): Float64Array {
    const m = this.numFeatures;
    const w = m + 1;
    out.fill(0, 0, rows * w);
    const trees = this.layout.roots.length - 1;
    // Trees outer within blocks of rows: one tree's tables stay in cache while the block runs.
    for (let r0 = 0; r0 < rows; r0 += EXPLAIN_BLOCK_ROWS) {
      const r1 = Math.min(rows, r0 + EXPLAIN_BLOCK_ROWS);
      for (let t = 0; t < trees; t++) {
        for (let r = r0; r < r1; r++) this.accumulateTree(t, x, r * m, out, r * w);
      }
      for (let r = r0; r < r1; r++) out[r * w + m] = this.bias;
    }
    return out;
  }
}

/** w(k) = k!(D−k−1)!/D! for k = 0..D−1, computed by a stable recurrence (no factorials). */
function shapleyWeights(D: number, out: Float64Array): void {
  if (D === 0) return;
  out[0] = 1 / D;
  for (let k = 1; k < D; k++) out[k] = (out[k - 1] * k) / (D - k);
}

/**
 * C(V) = Σ_{S⊆V} w(|S|) Π_{j∈V∖S} z_j = Σ_k w(k) · e_{|V|−k}(z_V), with e the elementary
 * symmetric polynomials of V's zero fractions.
 */
function coalitionSum(V: number, D: number, z: Float64Array, w: Float64Array, e: Float64Array): number {
  let size = 0;
  e[0] = 1;
  for (let k = 0; k < D; k++) {
    if (!((V >>> k) & 1)) continue;
    size++;
    e[size] = 0;
    for (let j = size; j >= 1; j--) e[j] += e[j - 1] * z[k];
  }
  let sum = 0;
  for (let k = 0; k <= size; k++) sum += w[k] * e[size - k];
  return sum;
}

/**
 * Throws EXPLANATION_NOT_ADDITIVE when contributions + bias differ from the margin: the invariant
 * every explanation must satisfy.
 */
export function checkAdditivity(contribs: ArrayLike<number>, margin: number, tolerance = ADDITIVITY_TOLERANCE): void {
  let sum = 0;
  for (let j = 0; j < contribs.length; j++) sum += contribs[j];
  if (!(Math.abs(sum - margin) <= tolerance * Math.max(1, Math.abs(margin)))) {
    throw new FraudlensError('EXPLANATION_NOT_ADDITIVE', `SHAP values sum to ${sum} but the model margin is ${margin} (difference ${sum - margin}); the model's covers are probably inconsistent — re-export it with its sum_hessian values`);
  }
}
