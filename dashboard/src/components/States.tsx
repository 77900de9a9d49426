/**
 * What a page shows while it waits, when it has nothing to show yet, and when the API failed.
 * An error names what happened in words first (API down, key needed, route missing) and then the
 * server's own code and message, so a person knows what to do and an operator what to grep.
 */

import type { ReactNode } from 'react';

import { isApiError } from '../api';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/** A headline for an error: what it means for the person looking at the page. */
export function errorHeadline(error: unknown): string {
  if (!isApiError(error)) return 'Something went wrong';
  switch (error.code) {
    case 'NETWORK':
      return 'The API is not reachable';
    case 'UNAUTHORIZED':
      return 'This API needs an API key';
    case 'NOT_FOUND':
      return 'The API does not offer this yet';
    case 'NOT_READY':
      return 'The API is not ready';
    case 'RATE_LIMITED':
      return 'Too many requests: the API is rate limiting this dashboard';
    default:
      return error.status >= 500 ? 'The API failed' : 'The API refused the request';
  }
}

export function ErrorState({
  error,
  what,
  onRetry,
  compact = false,
}: {
  error: unknown;
  what: string;
  onRetry?: () => void;
  compact?: boolean;
}) {
  const detail = isApiError(error)
    ? `${error.code}${error.status > 0 ? ` (HTTP ${error.status})` : ''}: ${error.message}`
    : String((error as Error)?.message ?? error);
  const hint = isApiError(error)
    ? error.code === 'NETWORK'
      ? 'Check that `fraudlens serve` is running and that this page points at it (the api_url parameter).'
      : error.code === 'UNAUTHORIZED'
        ? 'Enter the key under “API key” at the top of the page.'
        : null
    : null;
  return (
    <div className={`state state-error${compact ? ' compact' : ''}`} role="alert" data-testid="error-state">
      <p className="state-title">
        {errorHeadline(error)} — {what}
      </p>
      <p className="state-detail">{detail}</p>
      {hint ? <p className="state-hint">{hint}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
