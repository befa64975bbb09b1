/**
 * End-to-end: the BUILT binary (dist/bin.js, built by `pnpm test` through
 * turbo's test → build dependency) on the bundled examples, compared with
 * core called in-process on the same data and parameters.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Dataset, estimate, rankFeatures, selectXY, type EstimateResult } from '@mine/core';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const bin = join(pkg, 'dist', 'bin.js');
const ex = (f: string): string => join(pkg, 'examples', f);
const tmp = mkdtempSync(join(tmpdir(), 'mine-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function mine(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: pkg,
    input,
    encoding: 'utf8',
    env: { ...process.env, MINE_DEBUG: '', FORCE_COLOR: '0' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const load = (f: string) => Dataset.parse(readFileSync(ex(f), 'utf8'));

describe('mine estimate --json', () => {
  it('ksg: prints one JSON document whose value equals core estimate exactly', async () => {
    const r = mine(['estimate', ex('sensors.csv'), '--x', 'temp', '--y', 'hum*', '--estimator', 'ksg', '--k', '5', '--seed', '3', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as EstimateResult;
    const { x, y } = selectXY(load('sensors.csv'), 'temp', 'humidity');
    const want = await estimate(x, y, { estimator: 'ksg', k: 5, seed: 3 });
    expect(got.value).toBe(want.value);
    expect(got.params).toEqual(want.params);
    expect(got.columns).toEqual({ x: ['temp'], y: ['humidity'] });
  });

  it('mine with small steps, --hidden, --lr, --batch-size, --no-early-stop: exactly core value, exactly --steps steps', async () => {
    const flags = ['--steps', '60', '--batch-size', '64', '--hidden', '16,16', '--lr', '0.005', '--no-early-stop', '--seed', '2', '--units', 'bits'];
    const r = mine(['estimate', ex('sensors.csv'), '--x', 'temp', '--y', 'humidity', '--estimator', 'mine', ...flags, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as EstimateResult;
    const { x, y } = selectXY(load('sensors.csv'), 'temp', 'humidity');
    const want = await estimate(x, y, { estimator: 'mine', steps: 60, batchSize: 64, hidden: [16, 16], lr: 0.005, earlyStop: false, seed: 2, units: 'bits' });
    expect(got.value).toBe(want.value);
    expect(got.units).toBe('bits');
    expect(got.valueInUnits).toBe(want.valueInUnits);
    expect(got.details?.['steps']).toBe(60);
    expect(got.params['earlyStop']).toBe(false);
  });

  it('reads stdin with - (format detected from content) and prints the card without --json', () => {
    const csv = readFileSync(ex('sensors.csv'), 'utf8');
    const r = mine(['estimate', '-', '--x', 'temp', '--y', 'load', '--estimator', 'gaussian'], csv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/I\(temp; load\) = 0\.4260 nats/); // README: gaussian sees only the linear part, 0.4260
    expect(r.stdout).toContain('estimator  gaussian (point)');
    expect(r.stdout).toContain('n          2000 rows');
    expect(r.stderr).toBe('');
  });

  it('reads JSON records from stdin', () => {
    const recs = Array.from({ length: 50 }, (_, i) => ({ a: i, b: (i * 7) % 11 }));
    const r = mine(['estimate', '-', '--x', 'a', '--y', 'b', '--estimator', 'gaussian', '--json'], JSON.stringify(recs));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).n).toBe(50);
  });
});

describe('user mistakes: exit 2, one message line and a hint, no stack', () => {
  const S = ex('sensors.csv');
  const cases: Array<[string, string[], RegExp]> = [
    ['missing file', ['estimate', join(tmp, 'nope.csv'), '--x', 'a', '--y', 'b'], /^mine: file not found: .*nope\.csv$/],
    // A path through a regular file (ENOTDIR): a bad path like any other, not an internal failure.
    ['path through a file', ['estimate', join(S, 'x.csv'), '--x', 'a', '--y', 'b'], /^mine: cannot read .*sensors\.csv\/x\.csv: ENOTDIR/],
    ['unknown column', ['estimate', S, '--x', 'tmp', '--y', 'humidity'], /^mine: unknown column 'tmp' \(did you mean 'temp'\?\)/],
    ['--k 0', ['estimate', S, '--x', 'temp', '--y', 'humidity', '--estimator', 'ksg', '--k', '0'], /^mine: invalid value for --k: ksg: parameter 'k'/],
    ['--steps abc', ['estimate', S, '--x', 'temp', '--y', 'humidity', '--estimator', 'mine', '--steps', 'abc'], /^mine: --steps takes a number, got 'abc'$/],
    ['--hidden 0,4', ['estimate', S, '--x', 'temp', '--y', 'humidity', '--estimator', 'mine', '--hidden', '0,4'], /^mine: invalid value for --hidden: mine: parameter 'hidden\.0'/],
    ['unknown estimator', ['estimate', S, '--x', 'temp', '--y', 'humidity', '--estimator', 'foo'], /^mine: unknown estimator 'foo'; available: ksg/],
    ['flag not taken', ['estimate', S, '--x', 'temp', '--y', 'humidity', '--estimator', 'ksg', '--steps', '10'], /^mine: --steps is not a parameter of the 'ksg' estimator$/],
    ['bad enum', ['estimate', S, '--x', 'temp', '--y', 'humidity', '--units', 'furlongs'], /^mine: --units must be one of nats, bits; got 'furlongs'$/],
    ['missing option', ['estimate', S, '--x', 'temp'], /^mine: required option '--y <cols>' not specified$/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, () => {
      const r = mine(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(pattern);
      expect(lines[1]).toMatch(/^ {2}hint: \S/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('NaN cell: names the column and row', () => {
    const f = join(tmp, 'nan.csv');
    writeFileSync(f, 'a,b\n1,2\n2,3\n3,nan\n4,5\n');
    const r = mine(['estimate', f, '--x', 'a', '--y', 'b', '--estimator', 'gaussian']);
    expect(r.code).toBe(2);
    const [first, hint] = r.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^mine: .*'b'.*row 3/);
    expect(hint).toMatch(/^ {2}hint: /);
  });

  it('MINE_DEBUG=1 adds the stack', () => {
    const r = spawnSync(process.execPath, [bin, 'estimate', ex('sensors.csv'), '--x', 'tmp', '--y', 'humidity'], { encoding: 'utf8', env: { ...process.env, MINE_DEBUG: '1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('mine rank', () => {
  it('--json: informative features first, numbers and order equal to core rankFeatures (worker pool)', async () => {
    const r = mine(['rank', ex('features.csv'), '--target', 'target', '--seed', '1', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { target: string; features: { feature: string; result: EstimateResult }[] };
    expect(got.target).toBe('target');
    const order = got.features.map((f) => f.feature);
    // Known ranking (examples/make-examples.mjs): f1 ≫ {color, f2} ≫ {f3, f4} ≈ 0.
    expect(order[0]).toBe('f1');
    expect(new Set(order.slice(1, 3))).toEqual(new Set(['color', 'f2']));
    expect(new Set(order.slice(3))).toEqual(new Set(['f3', 'f4']));
    const want = await rankFeatures(load('features.csv'), 'target', undefined, { estimator: 'auto', seed: 1 });
    expect(order).toEqual(want.map((w) => w.feature));
    expect(got.features.map((f) => f.result.value)).toEqual(want.map((w) => w.result.value));
  });

  it('text: --top and a bar per row', () => {
    const r = mine(['rank', ex('features.csv'), '--target', 'target', '--features', 'f*', '--estimator', 'ksg', '--top', '2']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('I(feature; target) by ksg, 1500 rows, 4 features, top 2');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^1 +f1 +0\.\d{4} +█{30}$/);
    expect(lines[3]).toMatch(/^2 +f2 +0\.\d{4} +█/);
  });
});

describe('mine entropy / compare', () => {
  it('a fair 4-sided column has H = log 4 nats = 2 bits; coin independent of truth', () => {
    const r = mine(['entropy', ex('labels.csv'), '--cols', 'truth', '--given', 'coin', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as { rows: { label: string; value: number; symbols?: number }[] };
    const row = (l: string) => rep.rows.find((x) => x.label === l)!;
    expect(row('H(truth)').value).toBeCloseTo(Math.log(4), 12);
    expect(row('H(truth)').symbols).toBe(4);
    expect(row('H(coin)').value).toBeCloseTo(Math.log(2), 12);
    expect(row('H(truth | coin)').value).toBeCloseTo(Math.log(4), 12);
    expect(row('I(truth; coin)').value).toBeCloseTo(0, 12);
    const bits = mine(['entropy', ex('labels.csv'), '--cols', 'truth,coin', '--units', 'bits']);
    expect(bits.code).toBe(0);
    expect(bits.stdout).toMatch(/^H\(truth\) +2\.0000 +4$/m);
    expect(bits.stdout).toMatch(/^H\(truth,coin\) +3\.0000 +8$/m);
  });

  it('identical labelings (renamed) → NMI 1, AMI 1, MI = H', () => {
    const r = mine(['compare', ex('labels.csv'), '--a', 'truth', '--b', 'same', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as { nmi: EstimateResult; ami: EstimateResult; mi: EstimateResult };
    expect(rep.nmi.value).toBeCloseTo(1, 12);
    expect(rep.ami.value).toBeCloseTo(1, 12);
    expect(rep.mi.value).toBeCloseTo(Math.log(4), 12);
    const text = mine(['compare', ex('labels.csv'), '--a', 'truth', '--b', 'cluster']);
    expect(text.stdout).toMatch(/^NMI \(arithmetic\) +0\.\d{4}$/m);
    expect(text.stdout).not.toMatch(/NMI \(arithmetic\) +1\.0000/);
  });
});

describe('help and version', () => {
  it('--version prints the package version', () => {
    const v = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
    const r = mine(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(v);
  });
  it('estimate --help lists the generated flags grouped by estimator', () => {
    const r = mine(['estimate', '--help']);
    expect(r.code).toBe(0);
    for (const f of ['--steps <n>', '--batch-size <n>', '--hidden <list>', '--lr <n>', '--no-early-stop', '--no-early-stopping', '--k <n>', '--ema-rate <n>', '--normalization']) {
      expect(r.stdout).toContain(f);
    }
    expect(r.stdout).toMatch(/Parameters of ksg, mixed:\n\s+--k <n>/);
    expect(r.stdout).toMatch(/Parameters of mine:\n\s+--ema-rate <n>/);
    expect(r.stdout).toMatch(/Parameters of smile:\n\s+--clip <n>/);
  });
  it('mine --help lists the commands', () => {
    const r = mine(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['estimate', 'rank', 'entropy', 'compare', 'bench']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });
});

describe('mine bench', () => {
  it('--json with a subset: rows with truth, pass and the settings used', () => {
    const r = mine(['bench', '--quick', '--estimators', 'gaussian,ksg', '--tasks', 'gaussian-rho0.9', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { settings: { n: number; seeds: number; steps: number }; rows: { task: string; estimator: string; truth: number; mean: number; pass: boolean }[] };
    expect(out.settings).toMatchObject({ n: 2000, seeds: 1, steps: 300 });
    expect(out.rows.map((x) => x.estimator)).toEqual(['gaussian', 'ksg']);
    for (const row of out.rows) {
      expect(row.truth).toBeCloseTo(-0.5 * Math.log(1 - 0.81), 10);
      expect(row.pass).toBe(true);
    }
  });
  it('unknown task → exit 2', () => {
    const r = mine(['bench', '--tasks', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mine: --tasks: unknown task 'nope'/);
  });
});
