/**
 * Overlaid histograms on shared bins: each series is drawn as bars of its own width at the same
 * positions, the wider (baseline) behind the narrower (current), so both stay visible without
 * being placed side by side. Values are shares (each series sums to 1), since a window and the
 * training data have very different row counts.
 */

import type uPlot from 'uplot';

import { formatPercent } from '../format';
import { axis, Chart } from './Chart';

export interface HistogramSeries {
  label: string;
  /** Share of rows per bin. */
  values: number[];
  stroke: string;
  fill: string;
  /** Bar width as a share of the bin spacing. */
  size: number;
}

export interface HistogramProps {
  label: string;
  binLabels: string[];
  series: HistogramSeries[];
  height?: number;
  testId?: string;
}

/** Counts as shares of their total (all zeros when the total is 0). */
export function shares(counts: readonly number[]): number[] {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c) => (total > 0 ? c / total : 0));
}

export function Histogram({ label, binLabels, series, height = 220, testId }: HistogramProps) {
  const n = binLabels.length;
  const xs = binLabels.map((_, i) => i);
  const data = [xs, ...series.map((s) => s.values)] as uPlot.AlignedData;
  let top = 0;
  for (const s of series) for (const v of s.values) if (v > top) top = v;
  const crowded = n > 8;
  return (
    <Chart
      label={label}
      height={height}
      data={data}
      testId={testId}
      options={(_width, U) => ({
        scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: [0, top > 0 ? top * 1.12 : 1] } },
        legend: { show: true },
        cursor: { points: { show: false } },
        series: [
          { label: 'Bin', value: (_u, i) => (i == null ? '' : (binLabels[Math.round(i)] ?? '')) },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            fill: s.fill,
            width: 1,
            points: { show: false },
            paths: U.paths.bars!({ size: [s.size, 90], align: 0 }),
            value: (_u: uPlot, v: number | null) => (v == null ? '' : formatPercent(v)),
          })),
        ],
        axes: [
          axis({
            splits: () => xs,
            values: (_u, splits) => splits.map((i) => binLabels[i] ?? ''),
            rotate: crowded ? -40 : 0,
            size: crowded ? 70 : 40,
            grid: { show: false },
          }),
          axis({ values: (_u, splits) => splits.map((v) => formatPercent(v, 0)), size: 48 }),
        ],
      })}
    >
      <details className="chart-data">
        <summary>Show the numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Bin</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {binLabels.map((b, i) => (
              <tr key={b + String(i)}>
                <th scope="row">{b}</th>
                {series.map((s) => (
                  <td key={s.label}>{formatPercent(s.values[i])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </Chart>
  );
}
