/**
 * The one chart component: uPlot on a canvas, sized to its container. uPlot and its stylesheet
 * are imported on first use (one shared promise), so pages without charts never load them and
 * the first page load stays small. Every chart carries an accessible name, and callers pass a
 * text alternative (usually a data table) for what the canvas shows.
 */

import { useEffect, useRef, useState, type ReactNode } from 'react';
import type uPlot from 'uplot';

type UPlotConstructor = typeof uPlot;

let loading: Promise<UPlotConstructor> | null = null;

/** Loads uPlot once for the whole app. */
export function loadUPlot(): Promise<UPlotConstructor> {
  loading ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default);
  return loading;
}

export interface ChartProps {
  /** Accessible name of the chart (also shown as its heading by callers). */
  label: string;
  height: number;
  /** Options for the given width; called again when the container resizes or data change. */
  options: (width: number, u: UPlotConstructor) => Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** Text alternative shown under the chart (e.g. a <details> with the numbers). */
  children?: ReactNode;
  testId?: string;
}

export function Chart({ label, height, options, data, children, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [lib, setLib] = useState<UPlotConstructor | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    loadUPlot().then(
      (u) => live && setLib(() => u),
      (e: Error) => live && setFailed(e.message),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      // Whole-pixel steps only: avoids a resize loop between the canvas and its container.
      setWidth((old) => (Math.abs(old - w) >= 1 ? w : old));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = box.current;
    if (lib === null || el === null || width <= 0) return;
    const chart = new lib({ ...options(width, lib), width, height }, data, el);
    return () => chart.destroy();
    // `options` is rebuilt by callers on each render; the chart follows data and size instead.
  }, [lib, width, height, data]);

  return (
    <figure className="chart" data-testid={testId}>
      <div ref={box} role="img" aria-label={label} className="chart-canvas" style={{ minHeight: height }}>
        {failed !== null ? <p className="muted">The chart library did not load ({failed}).</p> : null}
      </div>
      {children}
    </figure>
  );
}

export const COLORS = {
  baseline: '#7b8494',
  baselineFill: 'rgba(123, 132, 148, 0.35)',
  current: '#1f5fbf',
  currentFill: 'rgba(31, 95, 191, 0.75)',
  drifted: '#b3261e',
  driftedFill: 'rgba(179, 38, 30, 0.72)',
  approve: '#1e7b34',
  review: '#b26a00',
  decline: '#b3261e',
  grid: '#e3e6eb',
  axis: '#3d4452',
};

const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Axis defaults shared by every chart (readable font, light grid). */
export function axis(extra: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: COLORS.axis,
    font: AXIS_FONT,
    labelFont: AXIS_FONT,
    grid: { stroke: COLORS.grid, width: 1 },
    ticks: { stroke: COLORS.grid, width: 1 },
    ...extra,
  };
}
