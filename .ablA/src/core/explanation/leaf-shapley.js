/**
 * The Shapley values one leaf contributes to a row's path-dependent TreeSHAP explanation.
 *
 * A leaf with value v is a game among the D distinct features on its root→leaf path. Feature k
 * has a zero fraction z_k (the product of child/parent covers where the path splits on k) and is
 * satisfied when the row follows the path at every split on k; U is the set of satisfied
 * features. With Z = Π_{j∉U} z_j, w_D(i) = i!(D−i−1)!/D! and
 * C(V) = Σ_{S⊆V} w_D(|S|) · Π_{j∈V∖S} z_j = Σ_i w_D(i) · e_{|V|−i}(z_V)
 * (e the elementary symmetric polynomials), the values are
 *   k ∈ U:  v · (1 − z_k) · Z · C(U ∖ {k})
 *   k ∉ U: −v · Z · C(U)
 * No division: a zero fraction of 0 (a branch no training row reached) needs no special case.
 */
export class LeafShapley {
    /** w_D(i) at D · stride + i. */
    weights;
    stride;
    /** Scratch: e(z_U), then e(z_{U∖k}) for one k at a time. */
    e;
    q;
    /** @param maxFeatures the largest D it will be asked about */
    constructor(maxFeatures) {
        const stride = maxFeatures + 1;
        this.stride = stride;
        this.weights = new Float64Array(stride * stride);
        for (let D = 1; D <= maxFeatures; D++) {
            // w_D(0) = 1/D and w_D(i) = w_D(i−1) · i/(D−i): no factorials, no overflow.
            this.weights[D * stride] = 1 / D;
            for (let i = 1; i < D; i++)
                this.weights[D * stride + i] = (this.weights[D * stride + i - 1] * i) / (D - i);
        }
        this.e = new Float64Array(stride + 1);
        this.q = new Float64Array(stride + 1);
    }
    /**
     * Writes the D values of a leaf into out[outOffset..outOffset + D), in path-feature order.
     * Allocates nothing.
     * @param v the leaf value
     * @param z zero fractions at z[zOffset..zOffset + D)
     * @param satisfied bit k set when path feature k is satisfied
     */
    values(v, z, zOffset, D, satisfied, out, outOffset) {
        const e = this.e;
        const q = this.q;
        const w = this.weights;
        const wAt = D * this.stride;
        let zOut = 1;
        let u = 0;
        e[0] = 1;
        for (let k = 0; k < D; k++) {
            const zk = z[zOffset + k];
            if (((satisfied >>> k) & 1) === 0) {
                zOut *= zk;
                continue;
            }
            u++;
            e[u] = 0;
            for (let i = u; i >= 1; i--)
                e[i] += e[i - 1] * zk;
        }
        const scale = v * zOut;
        let missed = 0;
        if (u < D) {
            for (let i = 0; i <= u; i++)
                missed += w[wAt + i] * e[u - i];
            missed *= -scale;
        }
        for (let k = 0; k < D; k++) {
            if (((satisfied >>> k) & 1) === 0) {
                out[outOffset + k] = missed;
                continue;
            }
            // e(z_{U∖k}) from e(z_U) by dividing out (1 + z_k·t); z_k ≤ 1 keeps the recurrence stable.
            const zk = z[zOffset + k];
            q[0] = 1;
            for (let i = 1; i < u; i++)
                q[i] = e[i] - zk * q[i - 1];
            let c = 0;
            for (let i = 0; i < u; i++)
                c += w[wAt + i] * q[u - 1 - i];
            out[outOffset + k] = scale * (1 - zk) * c;
        }
    }
}
//# sourceMappingURL=leaf-shapley.js.map