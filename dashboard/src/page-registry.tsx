/**
 * The dashboard's pages, in menu order: the one list the menu, the hash routes and the page shown
 * are read from. A new page is one entry here.
 */

import { lazy, type ReactNode } from 'react';

import type { ModelInfo, Permission } from './api';
import { ScorePage } from './pages/ScorePage';

// The Score page comes with the first load; the others (and the chart library) when opened.
const MonitoringPage = lazy(() => import('./pages/MonitoringPage').then((m) => ({ default: m.MonitoringPage })));
const PredictionsPage = lazy(() => import('./pages/PredictionsPage').then((m) => ({ default: m.PredictionsPage })));
const ModelPage = lazy(() => import('./pages/ModelPage').then((m) => ({ default: m.ModelPage })));
const ReviewPage = lazy(() => import('./pages/ReviewPage').then((m) => ({ default: m.ReviewPage })));
const PerformancePage = lazy(() => import('./pages/PerformancePage').then((m) => ({ default: m.PerformancePage })));
const HealthPage = lazy(() => import('./pages/HealthPage').then((m) => ({ default: m.HealthPage })));

export interface PageEntry {
  /** The hash route: #/<route>. */
  readonly route: string;
  readonly title: string;
  /**
   * What the API key must be allowed (GET /auth/me) for the page to be offered: the page's own
   * requests need these. Pages that read only open routes need none.
   */
  readonly permissions: readonly Permission[];
  /** Whether the page waits for GET /model (the shell shows its loading or error state meanwhile). */
  readonly needsModel: boolean;
  /** The page, given the served model once it is loaded. */
  readonly render: (model: ModelInfo | undefined) => ReactNode;
}

export const PAGES = [
  {
    route: 'score',
    title: 'Score',
    permissions: ['score'],
    needsModel: true,
    render: (model) => (model ? <ScorePage key={model.version} model={model} /> : null),
  },
  {
    route: 'monitoring',
    title: 'Monitoring',
    permissions: ['drift:read'],
    needsModel: false,
    render: (model) => <MonitoringPage model={model} />,
  },
  {
    route: 'predictions',
    title: 'Predictions',
    permissions: ['decisions:read'],
    needsModel: false,
    render: (model) => <PredictionsPage model={model} />,
  },
  {
    route: 'review',
    title: 'Review',
    permissions: ['decisions:read', 'labels:write'],
    needsModel: false,
    render: (model) => <ReviewPage model={model} />,
  },
  {
    route: 'performance',
    title: 'Performance',
    permissions: ['performance:read'],
    needsModel: false,
    render: () => <PerformancePage />,
  },
  {
    route: 'model',
    title: 'Model',
    // GET /model is open; the importance it computes asks POST /explain or the log, and says so when refused.
    permissions: [],
    needsModel: true,
    render: (model) => (model ? <ModelPage model={model} /> : null),
  },
  { route: 'health', title: 'Health', permissions: [], needsModel: false, render: () => <HealthPage /> },
] as const satisfies readonly PageEntry[];

export type Route = (typeof PAGES)[number]['route'];

/** The routes, first the one shown for an empty or unknown hash. */
export const ROUTES: readonly Route[] = PAGES.map((p) => p.route);

/**
 * Whether a key with `granted` permissions may use `page`; `undefined` (GET /auth/me not known:
 * an older API, or not answered yet) offers every page, whose requests then answer for themselves.
 */
export function pageAllowed(page: PageEntry, granted: readonly Permission[] | undefined): boolean {
  return granted === undefined || page.permissions.every((p) => granted.includes(p));
}
