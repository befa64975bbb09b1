#!/usr/bin/env node
/**
 * The executable: validates the environment, opens the database, starts the
 * pool and listens. SIGTERM/SIGINT: stop accepting connections, abort running
 * jobs (they go back to `queued` and run after the next start), close the
 * database, exit 0, all within MINE_SHUTDOWN_GRACE_SECONDS (an unref'd timer
 * force-exits with 1 if something hangs).
 */
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { jsonLogger } from './log.js';
import { createService } from './service.js';
import { StoreInUseError } from './store.js';

const log = jsonLogger();

let config: Config;
try {
  config = loadConfig(process.env, fileURLToPath(new URL('../../web/dist', import.meta.url)));
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`mine-server: configuration error: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

let service: ReturnType<typeof createService>;
try {
  service = createService(config, { log });
} catch (e) {
  if (e instanceof StoreInUseError) {
    process.stderr.write(`mine-server: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
const server = service.app.listen(config.port, config.host);
const sockets = new Set<Socket>();
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
server.on('error', (e) => {
  process.stderr.write(`mine-server: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}\n`);
  process.exit(1);
});
server.on('listening', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const auth =
    config.apiKeys.length > 0
      ? `API keys required (${config.apiKeys.length} configured)`
      : 'no API keys: authentication is off and the service is bound to loopback only';
  log.info('listening', { url: `http://${host}:${port}`, auth, workers: config.workers, db: config.dbPath });
  // A plain line too, for people (and scripts) reading the terminal.
  process.stdout.write(`mine server listening on http://${host}:${port} (${auth}; ${config.workers} workers; db ${config.dbPath})\n`);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const graceMs = config.shutdownGraceSeconds * 1000;
  log.info('shutting down', { signal, graceSeconds: config.shutdownGraceSeconds });
  setTimeout(() => {
    log.error('shutdown grace period exceeded; exiting');
    process.exit(1);
  }, graceMs).unref();
  // Stop accepting; idle keep-alive sockets and SSE streams would hold close() open.
  server.close();
  server.closeIdleConnections();
  // Leave ~1 s of the grace for the pool and the database.
  await service.close(Math.max(0, graceMs - 1000));
  for (const s of sockets) s.destroy();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
