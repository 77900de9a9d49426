/**
 * Lines over a shared x: curves (ROC, precision–recall, calibration) and small time series
 * (request rate, memory). A thin layer over Chart that fixes the styling; callers pass the text
 * alternative as children.
 */

import type { ReactNode } from 'react';
import type uPlot from 'uplot';

import { axis, Chart } from './Chart';

export interface LineSeries {
  label: string;
  values: (number | null)[];
  stroke: string;
  fill?: string;
  dash?: number[];
  /** Draw steps instead of straight segments (curves from thresholds). */
  stepped?: boolean;
  points?: boolean;
}

export interface LineChartProps {
  label: string;
  x: number[];
  series: LineSeries[];
  xLabel?: string;
  yLabel?: string;
  xRange?: [number, number];
  yRange?: [number, number];
  /** x holds Unix seconds. */
  time?: boolean;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
  height?: number;
  legend?: boolean;
  testId?: string;
  children?: ReactNode;
}

export function LineChart({
  label,
  x,
  series,
  xLabel,
  yLabel,
  xRange,
  yRange,
  time = false,
  formatX,
  formatY,
  height = 220,
  legend = true,
  testId,
  children,
}: LineChartProps) {
  const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
  return (
    <Chart
      label={label}
      height={height}
      data={data}
      testId={testId}
      options={(_w, U) => ({
        scales: {
          x: { time, ...(xRange ? { range: xRange } : {}) },
          y: yRange ? { range: yRange } : { range: (_u, lo, hi) => [Math.min(0, lo), hi > lo ? hi * 1.1 : lo + 1] },
        },
        legend: { show: legend },
        series: [
          {
            label: xLabel ?? (time ? 'Time' : 'x'),
            ...(formatX ? { value: (_u: uPlot, v: number | null) => (v == null ? '' : formatX(v)) } : {}),
          },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            ...(s.fill ? { fill: s.fill } : {}),
            ...(s.dash ? { dash: s.dash } : {}),
            ...(s.stepped ? { paths: U.paths.stepped!({ align: 1 }) } : {}),
            points: { show: s.points ?? false },
            ...(formatY ? { value: (_u: uPlot, v: number | null) => (v == null ? '' : formatY(v)) } : {}),
          })),
        ],
        axes: [
          axis({
            ...(xLabel ? { label: xLabel } : {}),
            ...(formatX && !time ? { values: (_u: uPlot, splits: number[]) => splits.map(formatX) } : {}),
          }),
          axis({
            ...(yLabel ? { label: yLabel } : {}),
            // Room for the longest tick label (units such as "MiB" make them wide; "100%" was cut at 7 px a character).
            size: (_u: uPlot, values: string[] | null) =>
              Math.max(48, 16 + 8 * Math.max(0, ...(values ?? []).map((v) => String(v).length))),
            ...(formatY ? { values: (_u: uPlot, splits: number[]) => splits.map(formatY) } : {}),
          }),
        ],
      })}
    >
      {children}
    </Chart>
  );
}
