/**
 * The shell: header with the pages (page-registry.tsx) and the API's status, the API key
 * control, and the page of the current hash route. The model's description (GET /model) is loaded here once and shared,
 * since the form, the tables and the labels all follow the served model; it is refreshed every
 * minute so a reloaded model shows up.
 */

import { Suspense, useEffect, useMemo, useState, type FormEvent } from 'react';

import { createApiClient } from './api';
import { apiBaseUrl, storeApiKey, storedApiKey } from './config';
import { ErrorState, Loading } from './components/States';
import { ApiContext, useResource, useRoute } from './hooks';
import { pageAllowed, PAGES, ROUTES } from './page-registry';

function ApiKeyControl({ value, onChange }: { value: string | null; onChange: (key: string | null) => void }) {
  const [text, setText] = useState(value ?? '');
  function submit(e: FormEvent): void {
    e.preventDefault();
    onChange(text.trim() === '' ? null : text.trim());
  }
  return (
    <details className="api-key">
      <summary>API key{value ? ' ✓' : ''}</summary>
      <form onSubmit={submit}>
        <label htmlFor="api-key-input">Key sent as X-API-Key (kept for this tab only)</label>
        <input id="api-key-input" type="password" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
        <div className="button-row">
          <button type="submit" className="button primary">
            Use key
          </button>
          {value ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setText('');
                onChange(null);
              }}
            >
              Forget
            </button>
          ) : null}
        </div>
      </form>
    </details>
  );
}

export function App() {
  const route = useRoute(ROUTES);
  const baseUrl = useMemo(() => apiBaseUrl(), []);
  const [apiKey, setApiKeyState] = useState<string | null>(() => storedApiKey(baseUrl));
  const api = useMemo(() => createApiClient({ baseUrl, apiKey }), [baseUrl, apiKey]);
  const setApiKey = (key: string | null): void => {
    storeApiKey(baseUrl, key);
    setApiKeyState(key);
  };
  // The key is part of the resource keys: a new key reloads what a missing key made fail.
  const me = useResource(`me:${apiKey ?? ''}`, (s) => api.me(s), 60_000);
  const context = useMemo(() => ({ api, apiKey, setApiKey, me: me.data }), [api, apiKey, me.data]);
  const model = useResource(`model:${apiKey ?? ''}`, (s) => api.model(s), 60_000);
  const status = useResource(`status:${apiKey ?? ''}`, (s) => api.health(s), 15_000);
  const page = PAGES.find((p) => p.route === route)!;
  const granted = me.data?.permissions;
  const offered = PAGES.filter((p) => pageAllowed(p, granted));
  const allowed = pageAllowed(page, granted);

  useEffect(() => {
    document.title = `${page.title} · fraudlens`;
  }, [page]);

  const up = status.data !== undefined && status.error === undefined;
  const needsModel = page.needsModel;

  return (
    <ApiContext.Provider value={context}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          fraudlens
        </div>
        <nav aria-label="Pages">
          <ul>
            {offered.map((p) => (
              <li key={p.route}>
                <a href={`#/${p.route}${window.location.search}`} aria-current={p.route === route ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="status" data-testid="api-status" data-up={String(up)} title={`API: ${baseUrl || window.location.origin}`}>
          <span
            className={`dot ${up ? 'dot-up' : status.loading && status.data === undefined ? 'dot-wait' : 'dot-down'}`}
            aria-hidden="true"
          />
          {up ? (
            <>
              API up<span className="status-model"> · model {model.data?.version ?? '…'}</span>
            </>
          ) : status.loading && status.data === undefined ? (
            'Connecting…'
          ) : (
            'API unreachable'
          )}
        </div>
        {me.data?.name != null ? (
          <div className="whoami" data-testid="whoami" data-role={me.data.role ?? ''}>
            {me.data.name} · {me.data.role}
          </div>
        ) : null}
        <ApiKeyControl value={apiKey} onChange={setApiKey} />
      </header>
      <main id="main" tabIndex={-1}>
        <h1 className="page-title">{page.title}</h1>
        {!allowed ? (
          <div className="state state-empty" role="status" data-testid="not-allowed">
            <p className="state-title">
              The key {me.data?.name ? `“${me.data.name}” ` : ''}({me.data?.role ?? 'no role'}) may not use this page
            </p>
            <p>
              It needs {page.permissions.join(' and ')}.{' '}
              {offered[0] !== undefined ? (
                <a href={`#/${offered[0].route}${window.location.search}`}>Open {offered[0].title}</a>
              ) : null}
            </p>
          </div>
        ) : null}
        {allowed && needsModel && model.data === undefined ? (
          model.error !== undefined ? (
            <ErrorState error={model.error} what="loading the model description (GET /model)" onRetry={model.reload} />
          ) : (
            <Loading what="the model" />
          )
        ) : null}
        {allowed ? <Suspense fallback={<Loading what="the page" />}>{page.render(model.data)}</Suspense> : null}
      </main>
    </ApiContext.Provider>
  );
}
