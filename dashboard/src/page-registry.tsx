/**
 * The dashboard's pages, in menu order: the one list the menu, the hash routes and the page shown
 * are read from. A new page is one entry here.
 */

import { lazy, type ReactNode } from 'react';

import type { ModelInfo } from './api';
import { ScorePage } from './pages/ScorePage';

// The Score page comes with the first load; the others (and the chart library) when opened.
const MonitoringPage = lazy(() => import('./pages/MonitoringPage').then((m) => ({ default: m.MonitoringPage })));
const PredictionsPage = lazy(() => import('./pages/PredictionsPage').then((m) => ({ default: m.PredictionsPage })));
const ModelPage = lazy(() => import('./pages/ModelPage').then((m) => ({ default: m.ModelPage })));
const HealthPage = lazy(() => import('./pages/HealthPage').then((m) => ({ default: m.HealthPage })));

export interface PageEntry {
  /** The hash route: #/<route>. */
  readonly route: string;
  readonly title: string;
  /** Whether the page waits for GET /model (the shell shows its loading or error state meanwhile). */
  readonly needsModel: boolean;
  /** The page, given the served model once it is loaded. */
  readonly render: (model: ModelInfo | undefined) => ReactNode;
}

export const PAGES = [
  {
    route: 'score',
    title: 'Score',
    needsModel: true,
    render: (model) => (model ? <ScorePage key={model.version} model={model} /> : null),
  },
  { route: 'monitoring', title: 'Monitoring', needsModel: false, render: (model) => <MonitoringPage model={model} /> },
  { route: 'predictions', title: 'Predictions', needsModel: false, render: (model) => <PredictionsPage model={model} /> },
  { route: 'model', title: 'Model', needsModel: true, render: (model) => (model ? <ModelPage model={model} /> : null) },
  { route: 'health', title: 'Health', needsModel: false, render: () => <HealthPage /> },
] as const satisfies readonly PageEntry[];

export type Route = (typeof PAGES)[number]['route'];

/** The routes, first the one shown for an empty or unknown hash. */
export const ROUTES: readonly Route[] = PAGES.map((p) => p.route);
