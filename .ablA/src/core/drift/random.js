/**
 * The seeded generator of the drift module: baseline reservoir samples, the random keys of the
 * window samplers and the sub-sampling of count windows all draw from an instance handed to
 * them, never from module state or Math.random, so a seed fixes every draw.
 *
 * xoshiro128** (Blackman and Vigna, 2018): four 32-bit words of state, int32 arithmetic only
 * (fast in V8), period 2^128 - 1, and good statistical quality in its low bits too, which
 * matters here because uniform keys are compared against thresholds as small as 1e-6. The state
 * is filled from the seed by a splitmix32-style avalanche so that nearby seeds are unrelated.
 */
const TWO_POW_26 = 67_108_864;
const TWO_POW_53 = 9_007_199_254_740_992;
/** One step of a splitmix32-style sequence: returns a well-mixed 32-bit word of `x`. */
function avalanche(x) {
    let z = x | 0;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) | 0;
}
function rotl(x, k) {
    return (x << k) | (x >>> (32 - k));
}
export class DriftRandom {
    s0;
    s1;
    s2;
    s3;
    /**
     * @param seed any finite number; its integer part and (for large seeds) its high bits are used,
     *   so seeds differing anywhere below 2^53 give different streams.
     * @example const rng = new DriftRandom(42); rng.next(); // a number in [0, 1)
     */
    constructor(seed) {
        const s = Number.isFinite(seed) ? Math.trunc(seed) : 0;
        const lo = s | 0;
        const hi = Math.floor(s / 4_294_967_296) | 0;
        // Successive golden-ratio increments, as splitmix does, keep the four words distinct.
        let x = lo ^ avalanche(hi ^ 0x5bd1e995);
        x = (x + 0x9e3779b9) | 0;
        this.s0 = avalanche(x);
        x = (x + 0x9e3779b9) | 0;
        this.s1 = avalanche(x);
        x = (x + 0x9e3779b9) | 0;
        this.s2 = avalanche(x);
        x = (x + 0x9e3779b9) | 0;
        this.s3 = avalanche(x);
        // The all-zero state is the generator's only fixed point.
        if ((this.s0 | this.s1 | this.s2 | this.s3) === 0)
            this.s0 = 1;
    }
    /** Next output as an unsigned 32-bit integer. */
    uint32() {
        const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
        const t = this.s1 << 9;
        this.s2 ^= this.s0;
        this.s3 ^= this.s1;
        this.s1 ^= this.s2;
        this.s0 ^= this.s3;
        this.s2 ^= t;
        this.s3 = rotl(this.s3, 11);
        return result >>> 0;
    }
    /** Uniform double in [0, 1) with 53 random bits (two outputs), so keys rarely tie. */
    next() {
        const a = this.uint32() >>> 5;
        const b = this.uint32() >>> 6;
        return (a * TWO_POW_26 + b) / TWO_POW_53;
    }
    /**
     * Uniform integer in [0, n), for 1 <= n <= 2^32.
     * @param n number of outcomes
     */
    below(n) {
        return Math.floor(this.next() * n);
    }
}
//# sourceMappingURL=random.js.map