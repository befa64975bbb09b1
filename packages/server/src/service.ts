/**
 * Wires the parts together: the jobs table, the worker pool, the runner and
 * the app. `main.ts` uses it with the environment; tests use it with a temp
 * database and a small pool.
 */
import type express from 'express';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { silentLogger, type Logger } from './log.js';
import { PiscinaPool, type JobPool } from './pool.js';
import { JobRunner, type RunnerOptions } from './runner.js';
import { JobStore } from './store.js';
import { ThreadValidator, type Validator } from './validator.js';

/** A wired service; `close` stops it in the graceful-shutdown order. */
export interface Service {
  app: express.Express;
  store: JobStore;
  pool: JobPool;
  runner: JobRunner;
  /** Parses and checks request bodies off the HTTP thread. */
  validator: Validator;
  /** Requeues running jobs (waiting up to `graceMs` for workers), stops the pool, closes the database. */
  close(graceMs?: number): Promise<void>;
}

/** Builds store, pool, runner and app from a config, and starts recovered/queued jobs. */
export function createService(
  config: Config,
  opts: { log?: Logger; workerFile?: string; runner?: Partial<RunnerOptions> } = {},
): Service {
  const log = opts.log ?? silentLogger;
  const store = new JobStore(config.dbPath);
  if (store.recovered > 0) log.info('jobs interrupted by the last stop are queued again', { jobs: store.recovered });
  const pool = new PiscinaPool(opts.workerFile ? { size: config.workers, workerFile: opts.workerFile } : { size: config.workers });
  const runner = new JobRunner(store, pool, log, { jobTimeoutSeconds: config.jobTimeoutSeconds, ...opts.runner });
  const validator = new ThreadValidator();
  const app = createApp({ config, store, runner, log, validator });
  runner.pump();
  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    pool,
    runner,
    validator,
    close(graceMs = config.shutdownGraceSeconds * 1000) {
      closing ??= (async () => {
        await runner.shutdown(graceMs);
        await pool.destroy();
        await validator.destroy();
        store.close();
      })();
      return closing;
    },
  };
}
