/**
 * How numbers, feature names and values read on screen. Feature names become plain words: the
 * model's own description when it has one, a label for the demo model's features, else the name
 * with its underscores as spaces.
 */

import type { FeatureSpec, FeatureValue } from './api';

const KNOWN_LABELS: Record<string, string> = {
  amt: 'Amount',
  amount: 'Amount',
  category: 'Merchant category',
  gender: 'Gender',
  city_pop: 'City population',
  age: 'Customer age',
  hour: 'Hour of day',
  day_of_week: 'Day of week',
  distance_km: 'Distance to merchant (km)',
  // Raw fields of Sparkov-shaped transactions (the Score form of a model with definitions).
  cc_num: 'Card number',
  merchant: 'Merchant',
  lat: 'Cardholder latitude',
  long: 'Cardholder longitude',
  merch_lat: 'Merchant latitude',
  merch_long: 'Merchant longitude',
  dob: 'Date of birth',
};

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function featureLabel(name: string, spec?: FeatureSpec): string {
  if (spec?.description) return spec.description;
  const known = KNOWN_LABELS[name];
  if (known !== undefined) return known;
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A number with at most `digits` significant digits, grouped, without trailing noise. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(Math.max(0, digits - 1));
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: Math.max(digits, Math.ceil(Math.log10(abs + 1))) }).format(v);
}

/** Short labels for axes and bins: 3 significant digits, or 2 in exponent form when tiny or huge. */
export function formatCompact(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  if (abs < 1e-3 || abs >= 1e7) return v.toExponential(1).replace('e+', 'e');
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 }).format(v);
}

/** Fixed decimals, for values compared side by side (contributions, statistics). */
export function formatFixed(v: number | null | undefined, decimals = 3): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return v.toFixed(decimals);
}

export function formatSigned(v: number, decimals = 3): string {
  const text = Math.abs(v).toFixed(decimals);
  return v < 0 ? `−${text}` : `+${text}`;
}

export function formatPercent(v: number | null | undefined, decimals = 1): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return `${(v * 100).toFixed(decimals)}%`;
}

export function formatCount(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat('en-US').format(v);
}

/** A feature's value as a person reads it: category names spaced, days named, missing said. */
export function formatValue(name: string, v: FeatureValue | undefined): string {
  if (v === null || v === undefined) return 'missing';
  if (typeof v === 'string') return v.replace(/_/g, ' ');
  if (name === 'day_of_week' && Number.isInteger(v) && v >= 0 && v < 7) return `${DAYS[v]} (${v})`;
  if (name === 'amt' || name === 'amount') return `$${v.toFixed(2)}`;
  // Times since an entity's previous transaction (definitions' time_since_last) read as durations.
  if (name.endsWith('seconds_since_last') && v >= 60) return `${formatNumber(v, 6)} s (${formatDuration(v)})`;
  return formatNumber(v, 6);
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

export function formatDateTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', {
    hour12: false,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d ${Math.round((seconds % 86_400) / 3600)} h`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export const DECISION_LABEL: Record<string, string> = { approve: 'Approve', review: 'Review', decline: 'Decline' };

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
