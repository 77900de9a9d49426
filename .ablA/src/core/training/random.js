/**
 * A small seeded pseudo-random generator for training (row sampling, column sampling, the
 * binning sample). It is an object handed to whoever needs randomness, never module state, so a
 * seed fixes every draw and two trainings in one process cannot disturb each other.
 *
 * The generator is xorshift32 (Marsaglia, 2003) seeded through a 32-bit avalanche mix: tiny,
 * fast in V8 (pure int32 arithmetic) and good enough for Bernoulli row sampling. It is not meant
 * for cryptography.
 */
/** Scrambles a 32-bit integer so that nearby seeds give unrelated states. */
function mix32(x) {
    let h = x | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) | 0;
}
const TWO_POW_32 = 4294967296;
export class Rng {
    state;
    /**
     * @param seed any integer (negative and zero included); equal seeds give equal sequences.
     * @example const rng = new Rng(0); const u = rng.float();
     */
    constructor(seed) {
        // xorshift has one fixed point (0): step away from it deterministically.
        const s = mix32(Math.trunc(seed) ^ 0x9e3779b9);
        this.state = s === 0 ? 0x6d2b79f5 : s;
    }
    /** Next value as an unsigned 32-bit integer. */
    uint32() {
        let x = this.state;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        this.state = x;
        return x >>> 0;
    }
    /** Uniform in [0, 1). */
    float() {
        return this.uint32() / TWO_POW_32;
    }
    /** Uniform integer in [0, n) for n ≤ 2^32. */
    int(n) {
        return Math.floor(this.float() * n);
    }
    /**
     * An independent generator for one purpose (e.g. "row sampling"), derived from this one's
     * current state and a stream number, so that adding draws to one purpose does not shift the
     * draws of another.
     */
    fork(stream) {
        return new Rng(mix32(this.state ^ mix32(stream + 1)));
    }
}
/**
 * Chooses `k` of `n` indices uniformly without replacement, in increasing order (selection
 * sampling: one draw per index, no sort, no extra memory).
 *
 * @param n population size
 * @param k sample size (clamped to n)
 * @param rng the generator to draw from
 * @example sampleSorted(10, 3, new Rng(1)) // e.g. Int32Array [1, 4, 8]
 */
export function sampleSorted(n, k, rng) {
    const want = Math.min(n, Math.max(0, k));
    const out = new Int32Array(want);
    let chosen = 0;
    for (let i = 0; i < n && chosen < want; i++) {
        // Pick index i with probability (still needed) / (still available).
        if (rng.float() * (n - i) < want - chosen)
            out[chosen++] = i;
    }
    return out;
}
//# sourceMappingURL=random.js.map