/**
 * Reading the server's Prometheus metrics for people: totals by label, histogram buckets as
 * per-bucket counts, quantile estimates from buckets (linear inside a bucket, as Prometheus'
 * histogram_quantile does), and rates from two successive scrapes.
 */

import type { MetricFamily, Metrics } from './api';

/** Sum of a family's samples named `sample` whose labels match `where`. */
export function total(metrics: Metrics, family: string, sample = family, where: Record<string, string> = {}): number | null {
  const f = metrics.get(family);
  if (f === undefined) return null;
  let sum = 0;
  let found = false;
  for (const s of f.samples) {
    if (s.name !== sample) continue;
    if (Object.entries(where).some(([k, v]) => s.labels[k] !== v)) continue;
    sum += s.value;
    found = true;
  }
  return found ? sum : null;
}

/** A single gauge's value (the first sample of the family). */
export function gauge(metrics: Metrics, family: string): number | null {
  const f = metrics.get(family);
  return f !== undefined && f.samples.length > 0 ? f.samples[0].value : null;
}

export interface Buckets {
  /** Upper bounds, ascending, the last +Inf. */
  le: number[];
  /** Cumulative counts per upper bound. */
  cumulative: number[];
}

/** Buckets of a histogram family summed over the samples matching `where` (e.g. one route). */
export function buckets(
  f: MetricFamily | undefined,
  where: (labels: Record<string, string>) => boolean = () => true,
): Buckets | null {
  if (f === undefined) return null;
  const byLe = new Map<number, number>();
  for (const s of f.samples) {
    if (!s.name.endsWith('_bucket') || !where(s.labels)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  if (byLe.size === 0) return null;
  const le = [...byLe.keys()].sort((a, b) => a - b);
  return { le, cumulative: le.map((b) => byLe.get(b)!) };
}

/** The q-quantile estimated from cumulative buckets; null without observations. */
export function quantile(b: Buckets, q: number): number | null {
  const n = b.cumulative[b.cumulative.length - 1];
  if (!(n > 0)) return null;
  const rank = q * n;
  for (let i = 0; i < b.le.length; i++) {
    if (b.cumulative[i] >= rank) {
      const upper = b.le[i];
      const lower = i === 0 ? 0 : b.le[i - 1];
      // Above the last finite bound there is no width to interpolate in.
      if (!Number.isFinite(upper)) return lower;
      const below = i === 0 ? 0 : b.cumulative[i - 1];
      const inBucket = b.cumulative[i] - below;
      return inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
    }
  }
  return b.le[b.le.length - 2] ?? null;
}

/** Per-bucket counts (not cumulative) with readable labels. */
export function bucketCounts(b: Buckets, format: (v: number) => string): { labels: string[]; counts: number[] } {
  const labels: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < b.le.length; i++) {
    const lower = i === 0 ? 0 : b.le[i - 1];
    labels.push(Number.isFinite(b.le[i]) ? `${format(lower)}–${format(b.le[i])}` : `> ${format(lower)}`);
    counts.push(b.cumulative[i] - (i === 0 ? 0 : b.cumulative[i - 1]));
  }
  return { labels, counts };
}

/** Labels of the first sample of a family (info gauges carry their data in labels). */
export function infoLabels(metrics: Metrics, family: string): Record<string, string> | null {
  const f = metrics.get(family);
  return f !== undefined && f.samples.length > 0 ? f.samples[0].labels : null;
}
