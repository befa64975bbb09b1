/** Environment validation: defaults, one-line errors naming the variable, loopback-only without keys. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, loadConfig } from '../src/config.js';
import { tempDir } from './helpers.js';

describe('loadConfig', () => {
  it('fills the defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dbPath: './mine.db',
      apiKeys: [],
      maxBody: '50mb',
      maxQueue: 100,
      jobTimeoutSeconds: 600,
      rateLimitPerMinute: 600,
      shutdownGraceSeconds: 10,
    });
    expect(c.workers).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['PORT', 'http', /^PORT: must be a whole number \(got 'http'\)$/],
    ['PORT', '70000', /^PORT: must be at most 65535/],
    ['MINE_WORKERS', '0', /^MINE_WORKERS: must be at least 1/],
    ['MINE_MAX_BODY', 'huge', /^MINE_MAX_BODY: must be a size such as '50mb'/],
    ['MINE_JOB_TIMEOUT_SECONDS', '-3', /^MINE_JOB_TIMEOUT_SECONDS: must be a positive number/],
  ])('%s=%s → one line naming the variable', (name, value, message) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('refuses a non-loopback HOST without API keys, accepts it with keys', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/^HOST: '0.0.0.0' is not a loopback address; without MINE_API_KEYS/);
    expect(loadConfig({ HOST: '0.0.0.0', MINE_API_KEYS: 'alpha-key-1, beta-key-22' }).apiKeys).toEqual(['alpha-key-1', 'beta-key-22']);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('127.0.0.2')).toBe(true);
    expect(isLoopback('192.168.1.4')).toBe(false);
  });

  it('reads keys from @file (one per line, # comments) and rejects short or missing ones', () => {
    const t = tempDir();
    try {
      const f = join(t.dir, 'keys');
      writeFileSync(f, '# team keys\nfirst-key-abc\n\n  second-key-def  \n');
      expect(loadConfig({ MINE_API_KEYS: `@${f}` }).apiKeys).toEqual(['first-key-abc', 'second-key-def']);
      expect(() => loadConfig({ MINE_API_KEYS: `@${join(t.dir, 'nope')}` })).toThrow(/^MINE_API_KEYS: cannot read the key file .*nope' \(ENOENT\)$/);
      expect(() => loadConfig({ MINE_API_KEYS: 'short' })).toThrow(/^MINE_API_KEYS: every key must be at least 8 characters/);
    } finally {
      t.cleanup();
    }
  });
});
