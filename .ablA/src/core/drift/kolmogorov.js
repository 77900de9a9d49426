/**
 * Distribution of the one-sample Kolmogorov-Smirnov statistics, needed because scipy's
 * two-sample test in its asymptotic mode takes the p-value from the *one-sample* two-sided
 * distribution D_n at n = round(m*n/(m+n)) (scipy.stats.kstwo.sf), not from the limiting
 * Kolmogorov distribution. To agree with scipy we follow the same method choice, which is
 * Simard & L'Ecuyer (2011):
 *   - Ruben-Gambino closed forms near both ends of the support;
 *   - 2 * Smirnov's one-sided tail where the two one-sided events cannot both happen (d >= 0.5)
 *     or where that is a good approximation (large n d^2);
 *   - Durbin's matrix method as arranged by Marsaglia, Tsang & Wang for small n d^2;
 *   - Pomeranz's recursion for moderate n d^2 when n <= 140;
 *   - the Pelz-Good asymptotic series for the remaining large-n cases.
 * Smirnov's one-sided tail uses the Birnbaum-Tingey sum (all terms positive in the range used),
 * evaluated in logarithms, or Miller's approximation when n exceeds a million.
 *
 * All functions here are pure and allocate only small work buffers per call.
 */
import { LN_SQRT_2PI, logGamma, stirlingError } from './gamma.js';
/** Largest n for which the "small n" branch choices (DMTW, Pomeranz) apply, as in Simard & L'Ecuyer. */
const SMALL_N_MAX = 140;
/** Above this n, Durbin's matrix is too slow and Pelz-Good is used for small n d^2. */
const DURBIN_MAX_N = 100_000;
/** Above this n, Smirnov's tail uses Miller's approximation instead of the exact sum. */
const SMIRNOV_EXACT_MAX_N = 1_000_000;
/** ln of the smallest normal double: exp of anything below it is not representable as a normal number. */
const MIN_LOG = -708.3964185322641;
/** Power-of-two rescaling step for the matrix and recursion methods (keeps intermediates in range). */
const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;
const SCALE_DOWN = 2 ** -SCALE_EXP;
function clip01(p) {
    return p < 0 ? 0 : p > 1 ? 1 : p;
}
/** Splits a * b into hi + lo exactly (Dekker's product; no FMA needed). */
function exactProduct(a, b) {
    const hi = a * b;
    const SPLIT = 134217729; // 2^27 + 1
    let t = SPLIT * a;
    const ah = t - (t - a);
    const al = a - ah;
    t = SPLIT * b;
    const bh = t - (t - b);
    const bl = b - bh;
    const lo = ah * bh - hi + ah * bl + al * bh + al * bl;
    return [hi, lo];
}
/** floor(n * x) computed exactly, and whether n * x is exactly an integer. */
function exactFloorOfProduct(n, x) {
    const [hi, lo] = exactProduct(n, x);
    let fl = Math.floor(hi);
    if (fl === hi && lo < 0)
        fl -= 1;
    // fraction = (hi - fl) + lo, exactly representable when small; compare against 0 and 1.
    const frac = hi - fl + lo;
    if (frac >= 1)
        return { floor: fl + 1, isInteger: frac === 1 };
    return { floor: fl, isInteger: frac === 0 };
}
/**
 * Survival function of Smirnov's one-sided statistic: P(D_n^+ >= x) (scipy.special.smirnov).
 * @param n sample size, a positive integer
 * @param x deviation in [0, 1]
 * @example smirnovSf(10, 0.3) // about 0.1
 */
export function smirnovSf(n, x) {
    if (!(n > 0 && x >= 0 && x <= 1) || !Number.isInteger(n))
        return Number.NaN;
    if (n === 1)
        return 1 - x;
    if (x === 0)
        return 1;
    if (x === 1)
        return 0;
    const { floor: nxFloor, isInteger } = exactFloorOfProduct(n, x);
    if (nxFloor === 0 || (nxFloor === 1 && isInteger)) {
        // x <= 1/n: closed form P(D+ < x) = x (1 + x)^(n-1).
        return clip01(1 - x * Math.pow(1 + x, n - 1));
    }
    if (-2 * n * x * x < MIN_LOG)
        return 0;
    if (nxFloor >= n - 1)
        return clip01(Math.pow(1 - x, n));
    if (n > SMIRNOV_EXACT_MAX_N) {
        // Miller (1956): p ~ exp(-(6 n x + 1)^2 / (18 n)).
        const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
        return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
    }
    // With few terms above n(1 - x) and a small x, the short "upper" sum (alternating signs) is
    // cheaper and still accurate for the CDF; elsewhere the all-positive lower sum is used.
    const upperTerms = isInteger ? nxFloor : nxFloor + 1;
    const useUpper = (upperTerms <= 1 && x < 0.5) || (n >= 10 && upperTerms <= 3 && x <= 0.5 / Math.sqrt(n));
    if (useUpper) {
        // CDF = x * sum_{v = n - upperTerms + 1}^{n} C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v).
        let cdf = 0;
        let binom = 1; // C(n, n - i)
        for (let i = 0; i < upperTerms; i++) {
            const v = n - i;
            cdf += binom * Math.pow(v / n + x, v - 1) * Math.pow((n - v) / n - x, n - v);
            binom = (binom * (n - i)) / (i + 1);
        }
        return clip01(1 - x * cdf);
    }
    // SF = x * sum_{v=0}^{n - ceil(n x)} C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v): positive terms.
    // Term v is b(v; n, p) / p with p = x + v/n and b the binomial probability, which Loader's
    // method gives to near full relative precision for any n (summing log-binomials instead loses
    // about n * 1e-16 relative, too much for n ~ 1e5). Terms are added as exp(log term - shift) so
    // neither tiny nor large ones leave the double range.
    const lastV = n - nxFloor - 1;
    const nx = n * x;
    let shift = Number.NaN;
    let sum = 0;
    for (let v = 0; v <= lastV; v++) {
        const logTerm = v === 0 ? n * Math.log1p(-x) - Math.log(x) : logBinomialOverP(v, n, nx);
        if (shift !== shift)
            shift = logTerm;
        if (logTerm > shift + 600) {
            sum *= Math.exp(shift - logTerm);
            shift = logTerm;
        }
        const term = Math.exp(logTerm - shift);
        sum += term;
        // Stop once the remaining terms cannot change the sum in double precision.
        if (term !== 0 && 4 * (lastV - v) * term < Number.EPSILON * sum && v !== lastV)
            break;
        if (term === 0 && v > n / 2)
            break;
    }
    return clip01(x * Math.exp(shift + Math.log(sum)));
}
/**
 * Loader's deviance term x ln(x / m) + m - x, by its series when x and m are close (where the
 * direct form cancels).
 */
function devianceTerm(x, m) {
    if (Math.abs(x - m) < 0.1 * (x + m)) {
        const r = (x - m) / (x + m);
        let s = (x - m) * r;
        let ej = 2 * x * r;
        const r2 = r * r;
        for (let j = 1; j < 1000; j++) {
            ej *= r2;
            const next = s + ej / (2 * j + 1);
            if (next === s)
                break;
            s = next;
        }
        return s;
    }
    return x * Math.log(x / m) + m - x;
}
/**
 * ln( C(n, v) p^(v-1) q^(n-v) ) with p = x + v/n, q = 1 - p, 0 < v < n, from Loader's (2000)
 * saddle-point form of the binomial probability; nx = n * x is passed to share the product.
 */
function logBinomialOverP(v, n, nx) {
    const np = nx + v;
    const nq = n - v - nx;
    const lc = stirlingError(n) - stirlingError(v) - stirlingError(n - v) - devianceTerm(v, np) - devianceTerm(n - v, nq);
    const lf = 2 * LN_SQRT_2PI + Math.log(v) + Math.log1p(-v / n);
    return lc - 0.5 * lf - Math.log(np / n);
}
/** ln(n! / n^n), via log-gamma. */
function logFactorialOverPower(n) {
    return logGamma(n + 1) - n * Math.log(n);
}
/**
 * CDF of D_n by Durbin's matrix method (Marsaglia, Tsang & Wang 2003): the (k, k) entry of H^n,
 * times n!/n^n, with d = (k - h)/n. Cost O(m^3 log n) with m = 2k - 1, so used for small n d.
 */
function durbinMatrixCdf(n, d) {
    const nd = n * d;
    const k = Math.ceil(nd);
    const h = k - nd;
    const m = 2 * k - 1;
    const H = new Float64Array(m * m);
    // Lower Hessenberg part: H[r][c] = 1/(r - c + 1)! for r >= c - 1.
    const invFact = new Float64Array(m + 1);
    invFact[0] = 1;
    for (let j = 1; j <= m; j++)
        invFact[j] = invFact[j - 1] / j;
    for (let c = 1; c < m; c++) {
        for (let r = c - 1; r < m; r++)
            H[r * m + c] = invFact[r - c + 1];
    }
    // First column and last row carry the boundary corrections (1 - h^j)/j!.
    const edge = new Float64Array(m);
    for (let j = 0; j < m; j++)
        edge[j] = (1 - Math.pow(h, j + 1)) * invFact[j + 1];
    edge[m - 1] = (1 + (Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m))) * invFact[m];
    for (let r = 0; r < m; r++)
        H[r * m] = edge[r];
    for (let c = 0; c < m; c++)
        H[(m - 1) * m + c] = edge[m - 1 - c];
    // Binary powering with power-of-two rescaling tracked in separate exponents.
    const power = identity(m);
    let powerExp = 0;
    const base = H;
    let baseExp = 0;
    const scratch = new Float64Array(m * m);
    let e = n;
    const centre = (k - 1) * m + (k - 1);
    while (e > 0) {
        if (e % 2 === 1) {
            multiplyInto(power, base, scratch, m);
            power.set(scratch);
            powerExp += baseExp;
        }
        multiplyInto(base, base, scratch, m);
        base.set(scratch);
        baseExp *= 2;
        if (Math.abs(base[centre]) > SCALE_UP) {
            for (let i = 0; i < base.length; i++)
                base[i] *= SCALE_DOWN;
            baseExp += SCALE_EXP;
        }
        e = Math.floor(e / 2);
    }
    let p = power[centre];
    // Multiply by n!/n^n one factor at a time, rescaling to stay clear of underflow.
    let exp = powerExp;
    for (let i = 1; i <= n; i++) {
        p = (i * p) / n;
        if (Math.abs(p) < SCALE_DOWN) {
            p *= SCALE_UP;
            exp -= SCALE_EXP;
        }
    }
    return exp !== 0 ? p * Math.pow(2, exp) : p;
}
function identity(m) {
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
        out[i * m + i] = 1;
    return out;
}
function multiplyInto(a, b, out, m) {
    out.fill(0);
    for (let i = 0; i < m; i++) {
        for (let k = 0; k < m; k++) {
            const aik = a[i * m + k];
            if (aik === 0)
                continue;
            const rowB = k * m;
            const rowO = i * m;
            for (let j = 0; j < m; j++)
                out[rowO + j] += aik * b[rowB + j];
        }
    }
}
/**
 * CDF of D_n by Pomeranz's recursion (1974) in the form given by Simard & L'Ecuyer: rows
 * V_i are convolutions of V_{i-1} with Poisson-like weights (gap/n)^j / j!, where the gaps
 * between the breakpoints A_i take only the values g, 1 - 2g and 2g (g = min(f, 1 - f), f the
 * fractional part of n d). Only the band of j allowed by the boundaries is non-zero.
 */
function pomeranzCdf(n, d) {
    const t = n * d;
    const ell = Math.floor(t);
    const f = t - ell;
    const g = Math.min(f, 1 - f);
    const ceilF = f > 0 ? 1 : 0;
    const roundF = f > 0.5 ? 1 : 0;
    const width = n + 1;
    const wG = new Float64Array(width);
    const w2G = new Float64Array(width);
    const w1m2G = new Float64Array(width);
    wG[0] = w2G[0] = w1m2G[0] = 1;
    for (let j = 1; j < width; j++) {
        wG[j] = (wG[j - 1] * (g / n)) / j;
        w2G[j] = (w2G[j - 1] * ((2 * g) / n)) / j;
        w1m2G[j] = (w1m2G[j - 1] * ((1 - 2 * g) / n)) / j;
    }
    // Row i (1-based, i = 1 .. 2n+2) is indexed by j = number of observations below A_i / n,
    // 0..n, and is non-zero only where |j - A_i| stays within t: floor(A_i - t) + 1 <= j <=
    // ceil(A_i + t) - 1, written with integers so rounding cannot move a boundary. With t an exact
    // integer, the odd rows keep their lower boundary point (the convention of scipy's tables).
    const band = (i) => {
        let lo;
        let hi;
        if (i === 1) {
            lo = 1 - ell - ceilF;
            hi = ell + ceilF - 1;
        }
        else if (i === 2 * n + 2) {
            lo = n - ell - ceilF + 1;
            hi = n + ell + ceilF - 1;
        }
        else if (i % 2 === 0) {
            const k = i / 2; // A_i = k - 1 + g
            lo = k - ell - roundF;
            hi = k + ell - 2 + ceilF;
        }
        else {
            const k = (i - 1) / 2; // A_i = k - g
            lo = k - ell;
            hi = k + ell - 1 + roundF;
        }
        return [Math.max(lo, 0), Math.min(hi, n)];
    };
    let prev = new Float64Array(width);
    let cur = new Float64Array(width);
    prev[0] = 1;
    let [prevLo, prevHi] = band(1);
    let exp = 0;
    for (let i = 2; i <= 2 * n + 2; i++) {
        const weights = i === 2 || i === 2 * n + 2 ? wG : i % 2 === 0 ? w2G : w1m2G;
        const [lo, hi] = band(i);
        cur.fill(0);
        let maxVal = 0;
        for (let j = lo; j <= hi; j++) {
            let s = 0;
            const kEnd = Math.min(j, prevHi);
            for (let k = prevLo; k <= kEnd; k++)
                s += prev[k] * weights[j - k];
            cur[j] = s;
            if (s > maxVal)
                maxVal = s;
        }
        if (maxVal > 0 && maxVal < SCALE_DOWN) {
            for (let j = lo; j <= hi; j++)
                cur[j] *= SCALE_UP;
            exp -= SCALE_EXP;
        }
        const tmp = prev;
        prev = cur;
        cur = tmp;
        prevLo = lo;
        prevHi = hi;
    }
    let ans = prev[n];
    for (let m = 1; m <= n; m++) {
        if (Math.abs(ans) > SCALE_UP) {
            ans *= SCALE_DOWN;
            exp += SCALE_EXP;
        }
        ans *= m;
    }
    return exp !== 0 ? ans * Math.pow(2, exp) : ans;
}
/**
 * Pelz-Good (1976) asymptotic CDF of D_n: Kolmogorov's limit plus corrections in n^-1/2, n^-1
 * and n^-3/2, each written with Jacobi-theta transforms so the series converge fast for small z.
 */
function pelzGoodCdf(n, x) {
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const z = Math.sqrt(n) * x;
    const z2 = z * z;
    const z4 = z2 * z2;
    const z6 = z4 * z2;
    const pi2 = Math.PI * Math.PI;
    const pi4 = pi2 * pi2;
    const pi6 = pi4 * pi2;
    const qlog = -pi2 / 8 / z2;
    if (qlog < -708)
        return 0;
    const q = Math.exp(qlog);
    const k1a = -z2;
    const k1b = pi2 / 4;
    const k2a = 6 * z6 + 2 * z4;
    const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
    const k2c = (pi4 * (1 - 2 * z2)) / 16;
    const k3d = (pi6 * (5 - 30 * z2)) / 64;
    const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
    const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
    const k3a = -30 * z6 - 90 * z4 * z4;
    // Sums over odd m = 2k - 1 of c(m) q^(m^2), by Horner in q^(8k) from the largest k down.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const maxK = Math.ceil((16 * z) / Math.PI);
    for (let k = maxK; k >= 1; k--) {
        const m = 2 * k - 1;
        const m2 = m * m;
        const m4 = m2 * m2;
        const m6 = m4 * m2;
        const qp = Math.pow(q, 8 * k);
        s0 = s0 * qp + 1;
        s1 = s1 * qp + (k1a + k1b * m2);
        s2 = s2 * qp + (k2a + k2b * m2 + k2c * m4);
        s3 = s3 * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
    }
    const sqrt2pi = Math.sqrt(2 * Math.PI);
    const common = q * sqrt2pi;
    let k0 = (s0 * common) / z;
    let k1 = (s1 * common) / (6 * z4);
    let k2 = (s2 * common) / (72 * z6 * z);
    let k3 = (s3 * common) / (6480 * z4 * z6);
    // Extra terms over all integers k of K2 and K3.
    const q2 = Math.exp(-pi2 / 2 / z2);
    const sqrt3z = Math.sqrt(3) * z;
    let e2 = 0;
    let e3 = 0;
    for (let k = maxK; k >= 1; k--) {
        const k2sq = k * k;
        const qk = Math.pow(q2, k2sq);
        const kpi = Math.PI * k;
        e2 += k2sq * qk;
        e3 += (sqrt3z + kpi) * (sqrt3z - kpi) * k2sq * qk;
    }
    k2 += (e2 * pi2 * sqrt2pi) / (-36 * z2 * z);
    k3 += (e3 * pi2 * sqrt2pi) / (216 * z6);
    k0 /= 1;
    k1 /= Math.sqrt(n);
    k2 /= n;
    k3 /= n * Math.sqrt(n);
    return k0 + k1 + k2 + k3;
}
/**
 * Survival function P(D_n >= d) of the one-sample two-sided Kolmogorov-Smirnov statistic, the
 * quantity scipy.stats.kstwo.sf(d, n) returns.
 * @param n sample size, a positive integer
 * @param d the statistic
 * @example kolmogorovSmirnovSf(100, 0.1) // about 0.2695
 */
export function kolmogorovSmirnovSf(n, d) {
    if (!(n >= 1) || !Number.isInteger(n) || d !== d)
        return Number.NaN;
    if (d >= 1)
        return 0;
    if (d <= 0)
        return 1;
    const t = n * d;
    if (t <= 1) {
        // Ruben-Gambino: for 1/(2n) <= d <= 1/n, P(D_n <= d) = n!/n^n (2t - 1)^n.
        if (t <= 0.5)
            return 1;
        let cdf;
        if (n <= SMALL_N_MAX) {
            cdf = 1;
            const c = 2 * t - 1;
            for (let i = 1; i <= n; i++)
                cdf *= i * (1 / n) * c;
        }
        else {
            cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
        }
        return clip01(1 - cdf);
    }
    if (t >= n - 1)
        return clip01(2 * Math.pow(1 - d, n)); // Ruben-Gambino upper end
    if (d >= 0.5)
        return clip01(2 * smirnovSf(n, d)); // D+ and D- cannot both reach d
    const ndSquared = t * d;
    if (n <= SMALL_N_MAX) {
        if (ndSquared <= 0.754693)
            return clip01(1 - durbinMatrixCdf(n, d));
        if (ndSquared <= 4)
            return clip01(1 - pomeranzCdf(n, d));
        return clip01(2 * smirnovSf(n, d));
    }
    if (ndSquared >= 370)
        return 0;
    if (ndSquared >= 2.2)
        return clip01(2 * smirnovSf(n, d));
    let cdf;
    if (ndSquared >= 18)
        cdf = 1;
    else if (n <= DURBIN_MAX_N && n * Math.pow(d, 1.5) <= 1.4)
        cdf = durbinMatrixCdf(n, d);
    else
        cdf = pelzGoodCdf(n, d);
    return clip01(1 - cdf);
}
//# sourceMappingURL=kolmogorov.js.map