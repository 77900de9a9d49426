/**
 * Reading the timestamps of records: an instant's epoch ms, and whether its text is the one
 * `toISOString` writes for that ms (the memory store then keeps the ms alone). Records come with
 * that text, and `Date.parse` and `toISOString` cost about a microsecond each, so that form is
 * read digit by digit; any other text is left to `Date.parse`. The last text read is remembered:
 * the records of one millisecond share their timestamp. Writing goes the other way (`isoInstant`).
 */

const MS_PER_DAY = 86_400_000;
const CANONICAL_LENGTH = 24; // YYYY-MM-DDTHH:mm:ss.sssZ

/** Days from 1970-01-01 to year-month-day of the proleptic Gregorian calendar (month 1–12). */
function daysFromCivil(year: number, month: number, day: number): number {
  // Years counted from March, so that the leap day ends a year (H. Hinnant's days_from_civil).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The number written by `count` decimal digits of `text` from `at`; -1 if one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The epoch ms of `text` if it is exactly what `toISOString` writes for some ms of the years
 * 0000–9999 (YYYY-MM-DDTHH:mm:ss.sssZ, every field in its range: not 24:00, not February 30,
 * which `Date.parse` accepts and `toISOString` writes otherwise); NaN if it is not.
 */
export function canonicalInstantMs(text: string): number {
  if (text.length !== CANONICAL_LENGTH) return Number.NaN;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return Number.NaN;
  if (text[19] !== '.' || text[23] !== 'Z') return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  if (year < 0 || ms < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

let lastText = '';
let lastMs = Number.NaN;
let lastCanonical = false;

function read(timestamp: string): void {
  if (timestamp === lastText) return;
  const canonical = canonicalInstantMs(timestamp);
  lastCanonical = !Number.isNaN(canonical);
  lastMs = lastCanonical ? canonical : Date.parse(timestamp);
  lastText = timestamp;
}

/** The epoch ms of a timestamp, as `Date.parse` reads it; NaN if it is not an instant. */
export function instantMs(timestamp: string): number {
  read(timestamp);
  return lastMs;
}

/**
 * Whether `new Date(instantMs(timestamp)).toISOString()` gives `timestamp` back, as read from its
 * digits: false for the signed years (before 0000, after 9999), whose text is then kept as it is.
 */
export function isCanonicalInstant(timestamp: string): boolean {
  read(timestamp);
  return lastCanonical;
}

/** The second last formatted (epoch seconds) and its text up to the milliseconds ("YYYY-MM-DDTHH:mm:ss."). */
let isoSecond = Number.NaN;
let isoSecondText = '';
/** "000Z" … "999Z": how an ISO instant ends, by millisecond. */
const MS_TEXTS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);

/**
 * `new Date(ms).toISOString()` of an integer ms, formatting the date and time once per second:
 * toISOString costs about a microsecond, and under load nearly every record has a millisecond of its own
 * (the scorer's timestamps), as do the records a read of the memory log rebuilds.
 */
export function isoInstant(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoSecondText = new Date(second * 1000).toISOString().slice(0, -4);
  }
  return isoSecondText + MS_TEXTS[ms - second * 1000];
}
