/**
 * Durable jobs: one SQLite table (better-sqlite3, WAL mode) holding each
 * job's request, status, progress, result and error. The queue *is* this
 * table: a job is claimed by flipping `queued` → `running` in one statement,
 * so after a crash (even `kill -9`) nothing is lost: `open` puts jobs left
 * `running` back to `queued`, and finished results stay.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { JobError, JobStatus } from './schemas.js';
import type { JobRequest } from './validate.js';

/** A job row, decoded. Times are ISO strings. */
export interface JobRecord {
  id: string;
  /** sha256 of the API key that created it ('' without authentication). Raw keys are never stored. */
  owner: string;
  type: 'estimate' | 'ranking';
  status: JobStatus;
  request: JobRequest;
  progress: unknown;
  result: unknown;
  error: JobError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Times the job was started (a crash or shutdown mid-run makes it > 1). */
  attempts: number;
}

/** The job without its request (the data can be large; status reads never need it). */
export type JobSummary = Omit<JobRecord, 'request'>;

interface Row {
  id: string;
  owner: string;
  type: 'estimate' | 'ranking';
  status: JobStatus;
  request?: string;
  progress: string | null;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
}

/** The owner column's value for an API key: its sha256, hex. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const SUMMARY_COLUMNS = 'id, owner, type, status, progress, result, error, created_at, started_at, finished_at, attempts';

function decode(r: Row): JobSummary {
  return {
    id: r.id,
    owner: r.owner,
    type: r.type,
    status: r.status,
    progress: r.progress === null ? null : JSON.parse(r.progress),
    result: r.result === null ? null : JSON.parse(r.result),
    error: r.error === null ? null : (JSON.parse(r.error) as JobError),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    attempts: r.attempts,
  };
}

/** Another process holds the database (another mine server on the same MINE_DB). */
export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
  constructor(readonly path: string) {
    super(`the database ${path} is in use by another process (another mine server on the same MINE_DB?)`);
  }
}

/** The jobs table. All methods are synchronous (better-sqlite3) and cheap. */
export class JobStore {
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly stmts;
  /** Jobs that were `running` when the store was opened and went back to `queued`. */
  readonly recovered: number;

  /**
   * Opens (creating if needed) the database at `path` (`:memory:` works for
   * tests that do not restart). Jobs left `running` are re-queued.
   */
  constructor(path: string, now: () => Date = () => new Date()) {
    this.now = now;
    this.db = new Database(path, { timeout: 0 }); // fail at once if another server holds it (busy_timeout is set below)
    // One server per database file. Startup puts every `running` job back in
    // the queue, which is right after a crash but would make a second server on
    // the same file rerun the first one's live jobs. EXCLUSIVE locking holds the
    // file lock from the first write (the recovery below) until close, so a
    // second server fails here; the OS drops the lock when a process dies, so
    // a restart after kill -9 still opens it.
    this.db.pragma('locking_mode = EXCLUSIVE');
    // WAL: a committed transaction survives a killed process (synchronous=NORMAL
    // only risks the last transactions on an OS crash / power loss, not on kill -9).
    try {
      this.db.pragma('journal_mode = WAL');
    } catch (e) {
      this.db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new StoreInUseError(path);
      throw e;
    }
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        progress TEXT,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, seq);
    `);
    this.stmts = {
      insert: this.db.prepare(
        `INSERT INTO jobs (id, owner, type, status, request, created_at) VALUES (@id, @owner, @type, 'queued', @request, @createdAt)`,
      ),
      get: this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM jobs WHERE id = ?`),
      getRequest: this.db.prepare(`SELECT request FROM jobs WHERE id = ?`),
      countQueued: this.db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'`),
      countRunning: this.db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'`),
      claim: this.db.prepare(
        `UPDATE jobs SET status = 'running', started_at = @now, attempts = attempts + 1, progress = NULL
         WHERE seq = (SELECT seq FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1)
         RETURNING ${SUMMARY_COLUMNS}, request`,
      ),
      progress: this.db.prepare(`UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'`),
      finish: this.db.prepare(
        // A finished job never runs again, so its request (the data: up to the body limit) is
        // dropped here; the result and error stay. Without this the file grows by every dataset.
        `UPDATE jobs SET status = @status, result = @result, error = @error, finished_at = @now, request = '{}'
         WHERE id = @id AND status IN ('queued', 'running')`,
      ),
      requeue: this.db.prepare(
        `UPDATE jobs SET status = 'queued', started_at = NULL, progress = NULL, attempts = MAX(attempts - 1, 0)
         WHERE id = ? AND status = 'running'`,
      ),
      recover: this.db.prepare(
        `UPDATE jobs SET status = 'queued', started_at = NULL, progress = NULL WHERE status = 'running'`,
      ),
    };
    this.recovered = this.stmts.recover.run().changes;
  }

  /** Adds a queued job. */
  insert(job: { id: string; owner: string; request: JobRequest }): JobSummary {
    this.stmts.insert.run({
      id: job.id,
      owner: job.owner,
      type: job.request.type,
      request: JSON.stringify(job.request),
      createdAt: this.now().toISOString(),
    });
    return this.get(job.id)!;
  }

  /** The job (without its request), or undefined. */
  get(id: string): JobSummary | undefined {
    const r = this.stmts.get.get(id) as Row | undefined;
    return r && decode(r);
  }

  /** The stored request of a job. */
  request(id: string): JobRequest | undefined {
    const r = this.stmts.getRequest.get(id) as { request: string } | undefined;
    return r && (JSON.parse(r.request) as JobRequest);
  }

  /** Number of jobs waiting. */
  queued(): number {
    return (this.stmts.countQueued.get() as { n: number }).n;
  }

  /** Number of jobs marked running. */
  running(): number {
    return (this.stmts.countRunning.get() as { n: number }).n;
  }

  /** Atomically takes the oldest queued job and marks it running (attempts + 1). */
  claim(): JobRecord | undefined {
    const r = this.stmts.claim.get({ now: this.now().toISOString() }) as (Row & { request: string }) | undefined;
    if (!r) return undefined;
    return { ...decode(r), request: JSON.parse(r.request) as JobRequest };
  }

  /** Stores the latest progress of a running job. */
  setProgress(id: string, progress: unknown): void {
    this.stmts.progress.run(JSON.stringify(progress), id);
  }

  /**
   * Finishes a queued or running job. Returns false when it had already
   * finished (e.g. cancelled while its worker was still stopping), so a late
   * result never overwrites a cancellation.
   */
  finish(id: string, status: 'succeeded' | 'failed' | 'cancelled', out: { result?: unknown; error?: JobError }): boolean {
    const info = this.stmts.finish.run({
      id,
      status,
      result: out.result === undefined ? null : JSON.stringify(out.result),
      error: out.error === undefined ? null : JSON.stringify(out.error),
      now: this.now().toISOString(),
    });
    return info.changes > 0;
  }

  /** Puts a running job back in the queue (graceful shutdown); the interrupted attempt does not count. */
  requeue(id: string): void {
    this.stmts.requeue.run(id);
  }

  /** Closes the database (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
