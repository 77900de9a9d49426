/**
 * Where the API is and which key to present. The address comes from the `?api_url=` query
 * parameter, else from API_URL at build time, else the page's own origin. The API key lives in
 * sessionStorage only: it is typed in by the person using the dashboard and is gone with the tab.
 * It is stored per API address, so a link with another ?api_url= never receives a key typed for
 * this one.
 */

declare const __API_URL__: string;

const KEY_STORAGE = 'fraudlens.apiKey';

/** An http(s) URL without a trailing slash, or '' for same origin; anything else is ignored. */
function cleanUrl(text: string | null | undefined): string | null {
  if (text == null || text.trim() === '') return null;
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export function apiBaseUrl(): string {
  const fromQuery = cleanUrl(new URLSearchParams(window.location.search).get('api_url'));
  if (fromQuery !== null) return fromQuery;
  return cleanUrl(__API_URL__) ?? '';
}

function storageKey(baseUrl: string): string {
  return `${KEY_STORAGE}:${baseUrl || window.location.origin}`;
}

export function storedApiKey(baseUrl: string): string | null {
  try {
    return window.sessionStorage.getItem(storageKey(baseUrl));
  } catch {
    return null;
  }
}

export function storeApiKey(baseUrl: string, key: string | null): void {
  try {
    if (key === null || key === '') window.sessionStorage.removeItem(storageKey(baseUrl));
    else window.sessionStorage.setItem(storageKey(baseUrl), key);
  } catch {
    // Storage can be disabled; the key then lasts until the page is reloaded.
  }
}
