/**
 * Build of the dashboard: a static bundle in dist/ that the fraudlens server serves at `/`.
 * JSX is compiled by Vite's own esbuild (no React plugin: no fast refresh, one dependency less).
 * API_URL, when set at build time, becomes the default API address baked into the bundle; the
 * `?api_url=` query parameter still overrides it at run time.
 */

import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset paths, so the same bundle works at `/` or behind a path prefix.
  base: './',
  esbuild: { jsx: 'automatic' },
  define: {
    __API_URL__: JSON.stringify(process.env.API_URL ?? ''),
  },
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: false,
    // The chart library is imported lazily and lands in its own chunk.
    chunkSizeWarningLimit: 300,
  },
});
