/**
 * Pseudo-terminal tests: the built binary inside tmux (a real TTY), so the
 * live ink view, the card and Ctrl-C behave as they do for a user. A private
 * tmux socket per run; the server is killed at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const socket = `mine-test-${process.pid}`;
const tmp = mkdtempSync(join(tmpdir(), 'mine-tty-'));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const capture = (session: string): string => tmux('capture-pane', '-p', '-t', session);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Starts `mine ARGS; echo $? > rcfile` in a detached 120×40 session. `env -i`
 * keeps CI variables out: ink draws only the last frame when it detects CI.
 */
function start(session: string, args: string, rcFile: string): void {
  const cmd = `cd '${pkg}' && env -i PATH="$PATH" HOME="$HOME" TERM=xterm-256color node dist/bin.js ${args}; echo $? > '${rcFile}'; sleep 120`;
  // bash, not dash: dash dies of the SIGINT meant for node, so `echo $?` would never run.
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, 'bash', '-c', cmd);
}

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!hasTmux)('in a terminal (tmux)', () => {
  it('shows the live progress bar while mine trains, then the result card; exit 0', async () => {
    const rc = join(tmp, 'rc1');
    start('train', 'estimate examples/sensors.csv --x temp --y humidity --estimator mine --steps 1500 --no-early-stop --seed 1', rc);
    const live = await waitFor('the progress bar', () => {
      const s = capture('train');
      return /\d+\/1500 steps +\d+% +\d+ steps\/s +ETA/.test(s) ? s : undefined;
    }, 40_000);
    expect(live).toContain('mine  mine  I(temp; humidity)  2000 rows');
    expect(live).toMatch(/^█+[▏▎▍▌▋▊▉]? *\s+\d+\/1500 steps/m);
    await waitFor('exit', () => (existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '' ? true : undefined), 90_000);
    expect(readFileSync(rc, 'utf8').trim()).toBe('0');
    const end = capture('train');
    expect(end).toMatch(/1500\/1500 steps +100%.*done in/);
    expect(end).toMatch(/bound +train \d\.\d{4} +validation \d\.\d{4} nats/);
    expect(end).toMatch(/[▁▂▃▄▅▆▇█]{3,} validation/);
    expect(end).toMatch(/│ I\(temp; humidity\) = 0\.\d{4} nats +\(\d\.\d{4} bits\)/);
    expect(end).toContain('estimator  mine (lower-bound)');
    expect(end).toContain('steps=1500');
  });

  it('Ctrl-C mid-training aborts: exit 130 and "aborted at step …"', async () => {
    const rc = join(tmp, 'rc2');
    start('abort', 'estimate examples/sensors.csv --x temp --y humidity --estimator mine --steps 1000000 --no-early-stop', rc);
    await waitFor('training to start', () => (/\d+\/1000000 steps/.test(capture('abort')) ? true : undefined), 40_000);
    tmux('send-keys', '-t', 'abort', 'C-c');
    await waitFor('exit', () => (existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '' ? true : undefined), 30_000);
    expect(readFileSync(rc, 'utf8').trim()).toBe('130');
    const screen = capture('abort');
    expect(screen).toMatch(/mine: aborted at step \d+\/1000000 \(train -?\d\.\d{4}, validation -?\d\.\d{4} nats\)/);
    expect(screen).not.toContain('╭'); // no result card after an abort
  });
});
