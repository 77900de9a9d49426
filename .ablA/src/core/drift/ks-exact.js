/**
 * Exact null distribution of the two-sided two-sample Kolmogorov-Smirnov statistic, by counting
 * monotone lattice paths from (0, 0) to (m, n) (Hodges 1958, after Drion, Gnedenko and Korolyuk).
 * D >= h / lcm(m, n) exactly when the path touches one of the lines |x/m - y/n| = h / lcm.
 *
 * - m != n: the "inside" recursion, carried as the probability of having *left* the band
 *   (Viehmann 2021), so the answer needs no subtraction from 1 and stays in [0, 1]; a column is
 *   a convex combination of the previous one, O(m * band width).
 * - m == n: the reflection formula 2 * sum_k (-1)^(k+1) C(2n, n - k h) / C(2n, n), evaluated as a
 *   nested product so no binomial coefficient is formed and the alternating terms do not cancel.
 */
/**
 * P(D_{m,n} >= h / lcm(m, n)) for m != n (also valid for m == n), as a probability of leaving
 * the band |n x - m y| / g < h.
 * @param m first sample size
 * @param n second sample size
 * @param g gcd(m, n)
 * @param h integer statistic on the lcm grid, 0 < h
 */
export function probOutsideBand(m, n, g, h) {
    // Symmetric in (m, n): walk along the longer side.
    if (m < n) {
        const t = m;
        m = n;
        n = t;
    }
    const mg = m / g;
    const ng = n / g;
    // q[j] = P(a random path to (i, j) has left the band); 1 outside the band, which only moves up.
    const q = new Float64Array(n + 1);
    let hiJ = Math.min(Math.ceil(h / mg), n + 1); // column 0: inside for j*mg < h
    q.fill(1);
    for (let j = 0; j < hiJ; j++)
        q[j] = 0;
    for (let i = 1; i <= m; i++) {
        let loJ = Math.floor((ng * i - h) / mg) + 1;
        if (loJ < 0)
            loJ = 0;
        if (loJ > n)
            loJ = n;
        hiJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
        if (hiJ <= loJ)
            return 1;
        // The last step into (i, j) came from (i-1, j) with probability i/(i+j), else from (i, j-1).
        let below = loJ === 0 ? 0 : 1;
        for (let j = loJ; j < hiJ; j++) {
            below = (q[j] * i + below * j) / (i + j);
            q[j] = below;
        }
    }
    return q[n];
}
/**
 * P(D_{n,n} >= h / n) for two samples of equal size n: 2 * A0 (1 - A1 (1 - A2 (1 - ...))), where
 * A_k = C(2n, n - (k+1) h) / C(2n, n - k h) is a product of h simple ratios.
 * @param n common sample size
 * @param h integer statistic, 0 < h <= n
 */
export function probOutsideSquare(n, h) {
    let p = 0;
    for (let k = Math.floor(n / h); k >= 0; k--) {
        let ratio = 1;
        for (let j = 0; j < h; j++)
            ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
        p = ratio * (1 - p);
    }
    return 2 * p;
}
/**
 * Greatest common divisor of two positive integers.
 * @param a a positive integer
 * @param b a positive integer
 * @example gcd(12, 18) // 6
 */
export function gcd(a, b) {
    while (b !== 0) {
        const t = a % b;
        a = b;
        b = t;
    }
    return a;
}
//# sourceMappingURL=ks-exact.js.map