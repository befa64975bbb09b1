import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Core's bundled example, served and emitted as `sensors.csv` next to index.html (the "Load example" button fetches it). */
const EXAMPLE = fileURLToPath(new URL('../core/examples/sensors.csv', import.meta.url));

/**
 * Ships core's example CSV with the page without keeping a copy in this
 * package: the dev server answers `/sensors.csv` from core, and the build
 * emits it into dist/. One source of truth, so the two never drift apart.
 */
function exampleCsv(): Plugin {
  return {
    name: 'mine-example-csv',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.split('?')[0]?.endsWith('/sensors.csv')) {
          res.setHeader('content-type', 'text/csv; charset=utf-8');
          res.end(readFileSync(EXAMPLE));
          return;
        }
        next();
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'sensors.csv', source: readFileSync(EXAMPLE) });
    },
  };
}

// MINE_SERVER=http://127.0.0.1:8080 pnpm dev: the dev page talks to a running
// @mine/server through Vite's proxy, so "run on the service" can be tried in dev.
const api = process.env['MINE_SERVER'];

export default defineConfig({
  // Relative URLs: dist/ works from any directory, from file-less static hosts and under @mine/server's `/`.
  base: './',
  plugins: [react(), exampleCsv()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: api ? { proxy: { '/v1': api, '/healthz': api } } : {},
});
