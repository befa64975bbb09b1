/**
 * The service's configuration: environment variables, validated once at
 * start-up with zod. A bad value stops the process with one line naming the
 * variable (`loadConfig` throws a `ConfigError`; `main.ts` prints it).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** A start-up configuration problem; `message` is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The environment variable at fault, e.g. `MINE_WORKERS`. */
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.variable = variable;
  }
}

/** Validated configuration. Times are in seconds, sizes as noted. */
export interface Config {
  /** TCP port. @default 8080 */
  port: number;
  /** Interface to bind. @default '127.0.0.1' */
  host: string;
  /** SQLite file of jobs and results. @default './mine.db' */
  dbPath: string;
  /** Accepted API keys; empty = no authentication (loopback only). */
  apiKeys: string[];
  /** Largest request body, in express's notation (`'50mb'`). @default '50mb' */
  maxBody: string;
  /** Most jobs waiting in the queue; past it, 503 with Retry-After. @default 100 */
  maxQueue: number;
  /** Wall-clock limit of one job; past it the job fails with code TIMEOUT. @default 600 */
  jobTimeoutSeconds: number;
  /** Most data rows in one request. @default 1_000_000 */
  maxRows: number;
  /** Most cells (rows × columns) in one request. @default 20_000_000 */
  maxCells: number;
  /** Worker threads that train. @default os.availableParallelism() */
  workers: number;
  /** Requests per API key (per client IP without keys) per minute on /v1; 0 = unlimited. @default 600 */
  rateLimitPerMinute: number;
  /** Seconds SIGTERM/SIGINT may take before the process force-exits. @default 10 */
  shutdownGraceSeconds: number;
  /** Longest `?wait=` honoured, in seconds. @default 60 */
  maxWaitSeconds: number;
  /** Directory of the built web page, if one is set or found. */
  webDir: string | undefined;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const positive = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
  .transform(Number)
  .pipe(z.number().gt(0, 'must be greater than 0'));

/** Variable name → its schema (input: the raw string, or undefined → default). */
const envSchema = {
  PORT: int(0, 65535).default(8080),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  MINE_DB: z.string().trim().min(1, 'must not be empty').default('./mine.db'),
  MINE_API_KEYS: z.string().optional(),
  MINE_MAX_BODY: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, "must be a size such as '50mb', '512kb' or a number of bytes")
    .default('50mb'),
  MINE_MAX_QUEUE: int(1).default(100),
  MINE_JOB_TIMEOUT_SECONDS: positive.default(600),
  MINE_MAX_ROWS: int(1).default(1_000_000),
  MINE_MAX_CELLS: int(1).default(20_000_000),
  MINE_WORKERS: int(1, 256).optional(),
  MINE_RATE_LIMIT: int(0).default(600),
  MINE_SHUTDOWN_GRACE_SECONDS: positive.default(10),
  MINE_MAX_WAIT_SECONDS: int(0).default(60),
  MINE_WEB_DIR: z.string().trim().min(1, 'must not be empty').optional(),
} as const;

type EnvKey = keyof typeof envSchema;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Parses `MINE_API_KEYS`: comma-separated keys, or `@path` to a file with one
 * key per line (blank lines and `#` comments skipped).
 */
export function parseApiKeys(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parts: string[];
  if (raw.trim().startsWith('@')) {
    const path = raw.trim().slice(1);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError('MINE_API_KEYS', `cannot read the key file '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    parts = text.split(/\r?\n/).filter((l) => !l.trim().startsWith('#'));
  } else {
    parts = raw.split(',');
  }
  const keys = parts.map((k) => k.trim()).filter((k) => k !== '');
  if (keys.length === 0) throw new ConfigError('MINE_API_KEYS', 'is set but holds no keys');
  const short = keys.find((k) => k.length < 8);
  if (short !== undefined) throw new ConfigError('MINE_API_KEYS', 'every key must be at least 8 characters long');
  return keys;
}

/**
 * Validates the environment. Throws `ConfigError` (one line naming the
 * variable) on the first bad value, or when HOST is not loopback while no API
 * keys are configured.
 *
 * @param env usually `process.env`
 * @param defaultWebDir where the web build is looked for when MINE_WEB_DIR is unset
 */
export function loadConfig(env: NodeJS.ProcessEnv, defaultWebDir?: string): Config {
  const v: Partial<Record<EnvKey, unknown>> = {};
  for (const key of Object.keys(envSchema) as EnvKey[]) {
    const raw = env[key];
    // An empty variable (`PORT=`) means "unset", as shells make that easy to write.
    const r = envSchema[key].safeParse(raw === '' ? undefined : raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new ConfigError(key, `${issue?.message ?? 'invalid value'} (got '${raw}')`);
    }
    v[key] = r.data;
  }
  const apiKeys = parseApiKeys(v.MINE_API_KEYS as string | undefined);
  const host = v.HOST as string;
  if (apiKeys.length === 0 && !isLoopback(host)) {
    throw new ConfigError(
      'HOST',
      `'${host}' is not a loopback address; without MINE_API_KEYS the service only binds to loopback (set MINE_API_KEYS or HOST=127.0.0.1)`,
    );
  }
  return {
    port: v.PORT as number,
    host,
    dbPath: v.MINE_DB as string,
    apiKeys,
    maxBody: v.MINE_MAX_BODY as string,
    maxQueue: v.MINE_MAX_QUEUE as number,
    jobTimeoutSeconds: v.MINE_JOB_TIMEOUT_SECONDS as number,
    maxRows: v.MINE_MAX_ROWS as number,
    maxCells: v.MINE_MAX_CELLS as number,
    workers: (v.MINE_WORKERS as number | undefined) ?? availableParallelism(),
    rateLimitPerMinute: v.MINE_RATE_LIMIT as number,
    shutdownGraceSeconds: v.MINE_SHUTDOWN_GRACE_SECONDS as number,
    maxWaitSeconds: v.MINE_MAX_WAIT_SECONDS as number,
    webDir: (v.MINE_WEB_DIR as string | undefined) ?? defaultWebDir,
  };
}
