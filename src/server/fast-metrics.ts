/**
 * The metrics every scored request updates: a histogram and a counter whose label sets are bound
 * once (`labels(...)`) and then updated with plain arithmetic on typed arrays. prom-client's own
 * label children validate and hash their labels again on every update, which measured about
 * 6 µs per /predict across the three metrics it touches (a twentieth of the request). prom-client
 * still owns the registry and the text format: these register in it and answer its `get()`, in
 * the same shape its own counters and histograms do.
 */

import type { Metric, Registry } from 'prom-client';

interface Bound<C> {
  labels: Record<string, string>;
  child: C;
}

interface MetricShape {
  name: string;
  help: string;
  labelNames?: readonly string[];
  registry: Registry;
}

abstract class BoundMetric<C> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';
  protected readonly labelNames: readonly string[];
  protected readonly bound = new Map<string, Bound<C>>();

  constructor(shape: MetricShape) {
    this.name = shape.name;
    this.help = shape.help;
    this.labelNames = shape.labelNames ?? [];
    shape.registry.registerMetric(this as unknown as Metric);
  }

  /** A metric without labels shows its zero value from the start, as prom-client's do. */
  protected showUnlabelled(): void {
    if (this.labelNames.length === 0) this.labels();
  }

  protected abstract create(): C;

  /** The updater of one label set (values in labelNames order); keep it, it is the fast path. */
  labels(...values: string[]): C {
    if (values.length !== this.labelNames.length)
      throw new Error(`metric ${this.name} takes ${this.labelNames.length} label values, got ${values.length}`);
    const key = values.join('\u0000');
    let b = this.bound.get(key);
    if (b === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i]));
      b = { labels, child: this.create() };
      this.bound.set(key, b);
    }
    return b.child;
  }

  /** Zeroes every label set in place, so children held by callers stay live. */
  reset(): void {
    for (const b of this.bound.values()) this.zero(b.child);
  }

  protected abstract zero(child: C): void;
}

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class FastCounter extends BoundMetric<CounterChild> {
  readonly type = 'counter';

  constructor(shape: MetricShape) {
    super(shape);
    this.showUnlabelled();
  }

  protected create(): CounterChild {
    return new CounterChild();
  }

  protected zero(child: CounterChild): void {
    child.value = 0;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { labels: Record<string, string>; value: number }[];
  }> {
    const values = [...this.bound.values()].map((b) => ({ labels: b.labels, value: b.child.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class HistogramChild {
  /** Per bucket (upper bounds, then +Inf), not cumulative. */
  readonly counts: Float64Array;
  sum = 0;
  private readonly bounds: Float64Array;

  constructor(bounds: Float64Array) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i] += 1;
    this.sum += value;
  }
}

export class FastHistogram extends BoundMetric<HistogramChild> {
  readonly type = 'histogram';
  private readonly bounds: Float64Array;

  constructor(shape: MetricShape & { buckets: readonly number[] }) {
    super(shape);
    this.bounds = Float64Array.from([...shape.buckets].sort((a, b) => a - b));
    this.showUnlabelled();
  }

  protected create(): HistogramChild {
    return new HistogramChild(this.bounds);
  }

  protected zero(child: HistogramChild): void {
    child.counts.fill(0);
    child.sum = 0;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { labels: Record<string, string | number>; value: number; metricName: string }[];
  }> {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const { labels, child } of this.bound.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += child.counts[i];
        values.push({
          labels: { le: i < this.bounds.length ? this.bounds[i] : '+Inf', ...labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ labels, value: child.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: cumulative, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
