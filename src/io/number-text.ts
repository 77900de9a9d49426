/**
 * The shortest decimal that reads back as a given double, written as bytes: the text String(v)
 * gives, without the runtime call (about half a microsecond each, and a feature file prints
 * millions of full-precision means and ratios).
 *
 * Method, for a double v = 2^e·f in the range where String(v) uses fixed notation: for growing
 * scales 10^s (exact doubles, s ≤ 22), the exact product P = v·10^s is formed as an unevaluated
 * sum hi + lo (Dekker's product), the integer m nearest to P is found exactly, and m·10^-s is
 * accepted when it lies inside v's rounding interval, P ± ulp(v)/2·10^s (ends included when f is
 * even, as round-half-even reads them). The first scale with a hit gives the fewest digits; m is the
 * closest such decimal, as the ECMAScript rule asks. Cases this does not decide exactly (v a power
 * of two, whose interval is lopsided; P exactly halfway between two integers; values outside the
 * range) return -1 and the caller uses String(v).
 */

const SPLITTER = 134_217_729; // 2^27 + 1: Veltkamp's split of a double into two 26-bit halves
/** Decimal scales tried: 10^s is an exact double for s ≤ 22. */
const MAX_SCALE = 22;
const POW10 = Float64Array.from({ length: MAX_SCALE + 1 }, (_, s) => 10 ** s);
const POW10_HIGH = POW10.map((p) => splitHigh(p));
const POW10_LOW = POW10.map((p, s) => p - POW10_HIGH[s]);
/** v must lie in [MIN, MAX): the scales then stay ≤ MAX_SCALE and P below 2^63. */
const MIN = 1e-5;
const MAX = 1e13;
/** Digits of the integer part of P kept in the low word when printing (P < 10^17 < 10^(8 + 9)). */
const LOW_WORD = 1e8;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the word holding sign, exponent and the top of the significand (platform endianness). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

function splitHigh(a: number): number {
  const c = SPLITTER * a;
  return c - (c - a);
}

/** The digits of m, right-aligned, before they are copied out. */
const scratch = new Uint8Array(24);

/**
 * Writes the shortest round-trip text of v (as String(v)) at buf[pos...] and returns the new
 * position, or -1 when v is outside what this decides exactly (nothing is written then).
 * Needs 24 free bytes at pos.
 */
export function writeShortest(v: number, buf: Uint8Array, pos: number): number {
  const a = v < 0 ? -v : v;
  if (!(a >= MIN && a < MAX)) return -1;
  bits[0] = a;
  const high = words[HIGH];
  const low = words[LOW];
  if ((high & 0xfffff) === 0 && low === 0) return -1; // a power of two: lopsided interval
  const even = (low & 1) === 0;
  const exponent = (high >>> 20) & 0x7ff;
  // ulp(a)/2 = 2^(exponent - 1023 - 52 - 1), built from its bits (a ≥ 1e-5 keeps it normal).
  words[HIGH] = (exponent - 53) << 20;
  words[LOW] = 0;
  const halfUlp = bits[0];
  // Start one decade early (Math.log10 may err by one near powers of ten): at that scale P < 10^15,
  // the interval is narrower than one unit, so a hit there is the only candidate.
  let s = 13 - Math.floor(Math.log10(a));
  if (s < 0) return -1;
  const aHigh = splitHigh(a);
  const aLow = a - aHigh;
  for (; s <= MAX_SCALE; s++) {
    const p = POW10[s];
    const hi = a * p;
    const lo = aHigh * POW10_HIGH[s] - hi + aHigh * POW10_LOW[s] + aLow * POW10_HIGH[s] + aLow * POW10_LOW[s];
    // m = m0 + k, the integer nearest to hi + lo.
    const m0 = Math.round(hi);
    let d = hi - m0; // exact: hi and m0 are within a factor of two
    let r = d + lo;
    let rErr = d - (r - (r - d)) + (lo - (r - d)); // TwoSum: r + rErr = d + lo exactly
    let k = Math.round(r);
    if (k !== 0) {
      d = r - k; // exact (Sterbenz)
      r = d + rErr;
      rErr = d - (r - (r - d)) + (rErr - (r - d));
    }
    // Now P - m = r + rErr with |r| ≤ 1/2 (+ rounding); settle exact halves and overshoots.
    if (r > 0.5 || (r === 0.5 && rErr > 0)) {
      k++;
      r -= 1;
    } else if (r < -0.5 || (r === -0.5 && rErr < 0)) {
      k--;
      r += 1;
    }
    const h = halfUlp * p; // exact: a power of two times 10^s
    if ((r === 0.5 || r === -0.5) && rErr === 0) {
      // Exactly halfway between two integers: a miss when they are outside the interval, else a tie
      // between two equally close decimals, left to String(v).
      if (h < 0.5) continue;
      return -1;
    }
    let dist = r;
    let distErr = rErr;
    if (dist < 0) {
      dist = -dist;
      distErr = -distErr;
    }
    const inside = dist < h || (dist === h && (distErr < 0 || (distErr === 0 && even)));
    if (!inside) continue;
    return printScaled(v < 0, m0, k, s, buf, pos);
  }
  return -1;
}

/** Writes (m0 + k)·10^-s in fixed notation without trailing fraction zeros. */
function printScaled(negative: boolean, m0: number, k: number, s: number, buf: Uint8Array, pos: number): number {
  // m0 may exceed 2^53 (then it is an even integer): split it into exact 9- and 8-digit words.
  let top = Math.floor(m0 / LOW_WORD);
  let bottom = m0 - top * LOW_WORD + k;
  while (bottom < 0) {
    top--;
    bottom += LOW_WORD;
  }
  while (bottom >= LOW_WORD) {
    top++;
    bottom -= LOW_WORD;
  }
  // Digits, right-aligned in scratch: the bottom word always as 8 digits, the top word if not zero.
  // Both words are below 2^31, so int32 arithmetic (a double % is a slow library call).
  let lowWord = bottom | 0;
  let highWord = top | 0;
  let n = 0;
  let end = scratch.length;
  for (let i = 0; i < 8; i++) {
    const q = (lowWord / 10) | 0;
    scratch[--end] = 48 + lowWord - q * 10;
    lowWord = q;
    n++;
  }
  while (highWord > 0) {
    const q = (highWord / 10) | 0;
    scratch[--end] = 48 + highWord - q * 10;
    highWord = q;
    n++;
  }
  let first = end;
  const last = scratch.length; // exclusive
  // Drop leading zeros of the integer part, but keep the digits the fraction needs.
  while (n > s + 1 && scratch[first] === 48) {
    first++;
    n--;
  }
  // Trailing zeros of the fraction go.
  let stop = last;
  let fraction = s;
  while (fraction > 0 && scratch[stop - 1] === 48) {
    stop--;
    fraction--;
  }
  if (negative) buf[pos++] = 45;
  const integerDigits = n - s;
  if (integerDigits <= 0) {
    buf[pos++] = 48;
    buf[pos++] = 46;
    for (let i = integerDigits; i < 0; i++) buf[pos++] = 48;
    for (let i = first; i < stop; i++) buf[pos++] = scratch[i];
    return pos;
  }
  for (let i = first; i < first + integerDigits; i++) buf[pos++] = scratch[i];
  if (fraction > 0) {
    buf[pos++] = 46;
    for (let i = first + integerDigits; i < stop; i++) buf[pos++] = scratch[i];
  }
  return pos;
}
