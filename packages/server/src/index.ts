/**
 * @mine/server: mine as an HTTP service. `createApp` / `createService` for
 * embedding and tests; `main.ts` is the executable (`node dist/main.js`).
 */
export { createApp, toView, type AppDeps } from './app.js';
export { createService, type Service } from './service.js';
export { loadConfig, ConfigError, isLoopback, parseApiKeys, type Config } from './config.js';
export { JobStore, hashKey, type JobRecord, type JobSummary } from './store.js';
export { JobRunner, isFinished, type JobEvent, type RunnerOptions } from './runner.js';
export { PiscinaPool, defaultWorkerFile, type JobPool, type RunHandle } from './pool.js';
export { buildOpenApi } from './openapi.js';
export { ApiError } from './errors.js';
export { jsonLogger, silentLogger, type Logger } from './log.js';
export * from './schemas.js';
export { buildDataset, prepareEstimate, prepareRanking, type JobRequest, type DataInput, type DataLimits } from './validate.js';
