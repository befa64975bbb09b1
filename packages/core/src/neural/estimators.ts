/**
 * Registry definitions of the neural estimators (MINE family) and of `auto`.
 *
 * All five share one protocol (protocol.ts) and one parameter schema builder;
 * they differ in the bound trained and reported (objectives.ts):
 * - `mine`: Donsker–Varadhan bound, bias-corrected moving-average gradient (Belghazi et al. 2018);
 * - `dv`: the same bound with the plain gradient;
 * - `nwj`: Nguyen–Wainwright–Jordan (2010) bound ("MINE-f");
 * - `infonce`: contrastive bound, ≤ log of the rows scored together (Oord et al. 2018);
 * - `smile`: DV with clipped marginal scores, trained with the JS gradient (Song & Ermon 2020).
 */
import { z } from 'zod';
import { MineError } from '../errors.js';
import type { Capabilities, Diagnostic, Variable } from '../interface.js';
import { commonParams, type CommonParams } from '../params.js';
import { runEstimator, type EstimatorDefinition, type RawEstimate } from '../registry.js';
import { discreteEstimator } from '../estimators/discrete.js';
import { columnTies, ksgEstimator, looksDiscrete } from '../estimators/ksg.js';
import { mixedEstimator } from '../estimators/mixed.js';
import { estimateNeural, type NeuralConfig } from './protocol.js';
import type { Objective } from './types.js';

/**
 * Default hidden-layer activation by objective: relu, except tanh for
 * InfoNCE. A separable relu critic memorises its training pairs: every
 * positive pair meets B − 1 negatives per step, and on the 20×20 Gaussian at
 * 2 nats (8,000 training rows, [512] critic) its training-batch bound reached
 * 2.49 while the held-out one peaked at 1.72–1.76 (lr 3e-4 or 1e-4; lr 1e-3
 * peaked at the first evaluation). The bounded tanh features generalise:
 * measured with `node bench/accuracy.mjs --only=infonce` (3 seeds, both
 * with the reported value on held-out blocks of up to 2,048 rows),
 * relu at lr 3e-4 → tanh at lr 1e-3: 20×20 at 2 nats 1.724 → 1.906, cubic
 * 1.684 → 1.876, 5×5 at 2 nats 1.845 → 1.939, Student-t 1.048 → 1.073;
 * 20×20 at 6 nats 5.033 → 5.026 (cubic 4.999 → 4.944), at 10 nats 6.905 →
 * 6.827; the ρ pairs, uniform noise and independent data within 0.01. tanh
 * at lr 3e-4 trained too slowly (5×5: 1.778, NOT_CONVERGED), so InfoNCE
 * shares the 1e-3 of Belghazi et al.'s experiments with the DV family.
 */
function defaultActivation(objective: Objective): 'relu' | 'tanh' {
  return objective === 'infonce' ? 'tanh' : 'relu';
}

/**
 * The parameter schema of one neural estimator. Fields only some objectives
 * use exist only in their schemas (strict: passing them elsewhere is an error):
 * `emaRate` (mine), `clip` (smile), `marginal` and `validationShuffles` (not
 * infonce, which pairs every x with every y of a batch instead of shuffling),
 * `validationBatch` (infonce only).
 */
export function neuralParamsSchema<O extends Objective>(objective: O) {
  const base = commonParams.extend({
    backend: z
      .enum(['wasm', 'wasm-fma', 'js', 'tfjs'])
      .default('wasm')
      .describe(
        "where the arithmetic runs: 'wasm' (SIMD kernels; the same bits on every engine and CPU), 'wasm-fma' (the same kernels with relaxed SIMD's fused multiply-add in the matrix products: about 1.2× faster training, rounding depends on the CPU; falls back to 'wasm' where relaxed SIMD is off, e.g. Node 20 without --experimental-wasm-relaxed-simd), 'js' (plain TypeScript reference), 'tfjs' (TensorFlow.js, if installed)",
      ),
    critic: z
      .enum(['concat', 'separable'])
      .default(objective === 'infonce' ? 'separable' : 'concat')
      .describe(
        "critic architecture: 'concat' T(x,y) = MLP([x,y]), or 'separable' T(x,y) = f(x)·g(y) (scores a whole batch against itself with one matrix product)" +
          (objective === 'infonce' ? '; default separable (a concat InfoNCE critic runs batchSize forward passes per step)' : ''),
      ),
    hidden: z
      .array(z.number().int().min(1).max(4096))
      .max(8)
      .default([100, 100])
      .describe('hidden layer widths of the critic MLP (of f and g for a separable critic)'),
    embedDim: z.number().int().min(1).max(4096).default(32).describe("embedding width of f(x) and g(y) (separable critic only)"),
    activation: z.enum(['relu', 'elu', 'tanh']).default(defaultActivation(objective)).describe('hidden-layer activation (He init for relu/elu, Xavier for tanh)' + (objective === 'infonce' ? '; default tanh for InfoNCE, whose separable relu critic memorises its training pairs' : '')),
    lr: z.number().gt(0).max(1).default(1e-3).describe('Adam learning rate'),
    batchSize: z
      .number()
      .int()
      .min(2)
      .max(8192)
      .default(256)
      .describe(
        'rows per training batch; clamped (with a note) to the number of training rows' +
          (objective === 'infonce' ? '; the InfoNCE bound on a batch cannot exceed log(batchSize) nats (the reported one: log(validationBatch))' : ''),
      ),
    steps: z.number().int().min(1).max(10_000_000).default(3000).describe('maximum number of training steps'),
    evalEvery: z.number().int().min(1).default(50).describe('steps between two evaluations of the bound on the validation rows'),
    validationFraction: z
      .number()
      .min(0.05)
      .max(0.5)
      .default(0.2)
      .describe('fraction of rows held out to evaluate the bound (the reported value is always a held-out one)'),
    earlyStop: z.boolean().default(true).describe('stop when the smoothed validation bound has not improved for `patience` evaluations'),
    patience: z.number().int().min(1).default(10).describe('evaluations without improvement before early stopping'),
    lrDecay: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe(
        'times the learning rate may be halved when the smoothed validation bound has not improved for ⌈patience/2⌉ evaluations (3: down to lr/8; 0: constant); early stopping waits for the last halving',
      ),
    smoothing: z
      .number()
      .min(0)
      .lt(1)
      .default(0.5)
      .describe('weight of the previous value in the moving average of the validation bound used for early stopping (0 = none)'),
    repeats: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe('independent runs (seeds seed, seed+1, …: new split, init and batches); with ≥ 2 the value is their mean, with a t interval'),
    ciLevel: z.number().gt(0).lt(1).default(0.95).describe('coverage of the t interval over repeats'),
    preprocess: z
      .enum(['gaussianize', 'standardize', 'none'])
      .default('gaussianize')
      .describe(
        "column transform before the critic, fitted on the training rows: 'gaussianize' (normal scores of the ranks; MI is unchanged by increasing maps and heavy tails are tamed), 'standardize' (mean 0, sd 1) or 'none'",
      ),
  });
  const marginal = z
    .enum(['permute', 'derangement'])
    .default('permute')
    .describe("how product-of-marginals pairs are made: y shuffled within the batch ('permute'), or shuffled with no row kept in place ('derangement')");
  const emaRate = z
    .number()
    .gt(0)
    .max(1)
    .default(0.01)
    .describe('rate α of the moving average of E[e^T] in MINE’s bias-corrected gradient');
  const validationShuffles = z
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'fixed permutations of the validation y whose pairs with x form the held-out marginal term (more pairs, less noise in the reported bound); default ceil(32768 / validation rows), from 1 to 16',
    );
  const validationBatch = z
    .number()
    .int()
    .min(2)
    .max(4096)
    .optional()
    .describe(
      'held-out rows scored against each other per block for the reported InfoNCE bound (each x against every y of its block); the bound averages the blocks and cannot exceed log(validationBatch). Default: for a separable critic the validation rows in equal blocks of at most 2048, so a critic trained on batches of 256 is not held to log 256 (memory 8·validationBatch² bytes while rescoring); for a concat critic batchSize (it runs validationBatch² pairs through the MLP)',
    );
  const clip = z.number().gt(0).max(50).default(5).describe('SMILE clip τ: marginal scores are clipped to [−τ, τ] in the reported bound');
  switch (objective) {
    case 'mine':
      return base.extend({ marginal, validationShuffles, emaRate }).strict();
    case 'smile':
      return base.extend({ marginal, validationShuffles, clip }).strict();
    case 'infonce':
      return base.extend({ validationBatch }).strict();
    default:
      return base.extend({ marginal, validationShuffles }).strict();
  }
}

export const mineParams = neuralParamsSchema('mine');
export const dvParams = neuralParamsSchema('dv');
export const nwjParams = neuralParamsSchema('nwj');
export const infonceParams = neuralParamsSchema('infonce');
export const smileParams = neuralParamsSchema('smile');

/** Validated parameters of any neural estimator (the union of the fields). */
export type NeuralParams = z.output<typeof dvParams> & {
  emaRate?: number;
  clip?: number;
  marginal?: 'permute' | 'derangement';
  validationShuffles?: number;
  validationBatch?: number;
};

/** Fewest rows: enough for ≥ 10 validation rows and as many training rows. */
function neuralMinSamples(p: { validationFraction?: number }): number {
  return Math.max(20, Math.ceil(10 / (p.validationFraction ?? 0.2)));
}

const neuralCapabilities: Capabilities = {
  x: ['continuous'],
  y: ['continuous'],
  multivariate: true,
  deterministic: false,
  needsTraining: true,
  minSamples: 50,
  // A concat critic sees [x, y] in that order; swapping the sides changes the network's input.
  symmetric: false,
};

function toConfig(objective: Objective, p: NeuralParams): NeuralConfig {
  return {
    objective,
    backend: p.backend,
    critic: p.critic,
    hidden: p.hidden,
    embedDim: p.embedDim,
    activation: p.activation,
    lr: p.lr,
    batchSize: p.batchSize,
    steps: p.steps,
    evalEvery: p.evalEvery,
    validationFraction: p.validationFraction,
    earlyStop: p.earlyStop,
    patience: p.patience,
    lrDecay: p.lrDecay,
    smoothing: p.smoothing,
    emaRate: p.emaRate ?? 0.01,
    clip: p.clip ?? 5,
    marginal: p.marginal ?? 'permute',
    validationShuffles: p.validationShuffles,
    validationBatch: p.validationBatch,
    repeats: p.repeats,
    ciLevel: p.ciLevel,
    preprocess: p.preprocess,
    seed: p.seed,
  };
}

/**
 * Cross-field checks the schema cannot express; INVALID_PARAMS naming the field.
 * (A batchSize above the number of training rows is not an error: it is clamped,
 * with an AUTO_CHOICE note, since the split size is only known with the data.)
 */
function checkCombination(objective: Objective, p: NeuralParams): void {
  if (p.critic === 'concat' && objective === 'infonce' && p.batchSize > 1024) {
    throw new MineError('INVALID_PARAMS', `infonce: parameter 'batchSize': a concat InfoNCE critic scores batchSize² pairs per step; ${p.batchSize} is too many (at most 1024)`, {
      field: 'batchSize',
      hint: "use critic: 'separable' (the default for infonce) or a smaller batchSize",
    });
  }
  if (p.critic === 'concat' && p.validationBatch !== undefined && p.validationBatch > 1024) {
    throw new MineError('INVALID_PARAMS', `infonce: parameter 'validationBatch': a concat InfoNCE critic scores validationBatch² pairs per block; ${p.validationBatch} is too many (at most 1024)`, {
      field: 'validationBatch',
      hint: "use critic: 'separable' (the default for infonce) or a smaller validationBatch",
    });
  }
  // evalEvery > steps is allowed: the bound is evaluated before training and at the last step anyway.
}

function defineNeural<S extends z.ZodType<CommonParams & object>>(
  objective: Objective,
  schema: S,
  meta: { title: string; description: string; reference: string },
): EstimatorDefinition<S> {
  return {
    id: objective,
    ...meta,
    kind: 'lower-bound',
    schema,
    capabilities: neuralCapabilities,
    minSamples: (p) => neuralMinSamples(p as unknown as NeuralParams),
    check(_x, _y, params) {
      checkCombination(objective, params as unknown as NeuralParams);
    },
    async run(x: Variable, y: Variable, params, ctx): Promise<RawEstimate> {
      const p = params as unknown as NeuralParams;
      const opts: { signal?: AbortSignal; onProgress?: typeof ctx.onProgress } = {};
      if (ctx.signal) opts.signal = ctx.signal;
      if (ctx.onProgress) opts.onProgress = ctx.onProgress;
      return estimateNeural(x, y, toConfig(objective, p), opts);
    },
  };
}

const PROTOCOL =
  ' Trained on a split of the rows; the reported value is the bound on the held-out rows at the best (smoothed) evaluation, a lower bound on I(X;Y) up to sampling noise.';

/** MINE (Belghazi et al. 2018): Donsker–Varadhan bound E_P[T] − log E_Q[e^T], trained with the moving-average bias-corrected gradient (§3.2). */
export const mineEstimator = defineNeural('mine', mineParams, {
  title: 'MINE (Donsker–Varadhan, bias-corrected)',
  description:
    'Mutual Information Neural Estimation: a critic network maximises the Donsker–Varadhan bound E_P[T] − log E_Q[e^T]; the gradient of the log term uses a moving average of E_Q[e^T] to reduce its bias.' +
    PROTOCOL,
  reference: 'Belghazi et al. (2018), Mutual Information Neural Estimation, ICML, eq. (6) and §3.2',
});

/** DV: the Donsker–Varadhan bound with its plain (biased minibatch) gradient. */
export const dvEstimator = defineNeural('dv', dvParams, {
  title: 'Donsker–Varadhan bound (plain gradient)',
  description: 'The MINE bound E_P[T] − log E_Q[e^T] trained with the plain minibatch gradient (no moving-average correction).' + PROTOCOL,
  reference: 'Donsker & Varadhan (1983); Belghazi et al. (2018), eq. (6)',
});

/** NWJ: E_P[T] − e^{−1} E_Q[e^T] (f-divergence dual; "MINE-f"). */
export const nwjEstimator = defineNeural('nwj', nwjParams, {
  title: 'NWJ bound (MINE-f)',
  description:
    'The Nguyen–Wainwright–Jordan bound E_P[T] − e^{−1} E_Q[e^T]: unbiased minibatch gradients, higher variance than DV.' + PROTOCOL,
  reference: 'Nguyen, Wainwright & Jordan (2010), IEEE Trans. Inf. Theory 56(11); Belghazi et al. (2018) "MINE-f"',
});

/** InfoNCE: mean_i [T(x_i,y_i) − log((1/B) Σ_j e^{T(x_i,y_j)})] ≤ log B over blocks of B rows. */
export const infonceEstimator = defineNeural('infonce', infonceParams, {
  title: 'InfoNCE (contrastive)',
  description:
    'The contrastive bound mean_i [T(x_i,y_i) − log((1/B) Σ_j e^{T(x_i,y_j)})] over blocks of B rows: low variance, but it cannot exceed log B nats. Trained on batches of batchSize rows; the reported value scores the held-out rows in blocks of validationBatch (by default up to 2,048 for the separable critic), so its ceiling is log(validationBatch).' +
    PROTOCOL,
  reference: 'van den Oord, Li & Vinyals (2018), arXiv:1807.03748; Poole et al. (2019), On Variational Bounds of MI, ICML, eq. (12)',
});

/** SMILE: DV with marginal scores clipped to [−τ, τ], trained with the Jensen–Shannon gradient. */
export const smileEstimator = defineNeural('smile', smileParams, {
  title: 'SMILE (clipped DV)',
  description:
    'Smoothed MI lower-bound estimator: the critic is trained with the Jensen–Shannon (f-GAN) objective and the reported bound is DV with e^T clipped to [e^−τ, e^τ] on marginal pairs, trading a little bias for much less variance.' +
    PROTOCOL,
  reference: 'Song & Ermon (2020), Understanding the Limitations of Variational Mutual Information Estimators, ICLR, eq. (17)',
});

// ------------------------------------------------------------------- auto

/**
 * Largest dx + dy for which `auto` picks KSG over a neural estimator. KSG's
 * bias grows with dimension (Kraskov et al. 2004; Gao et al. 2015) while the
 * neural bounds do not degrade as fast; 6 is a first cut, to be refined by
 * the accuracy table.
 */
export const AUTO_KSG_MAX_DIMS = 6;

/** Neural estimator `auto` uses above `AUTO_KSG_MAX_DIMS` (SMILE: lowest variance of the DV family, Song & Ermon 2020). */
export const AUTO_NEURAL = 'smile';

/**
 * From this many input dimensions (dx + dy) `auto` gives SMILE one wide hidden
 * layer, [512], instead of the default [100, 100]: on the 20×20 Gaussians at
 * 2 nats with 8,000 training rows the deeper critic overfits (SMILE, 3 seeds:
 * [100, 100] 1.61, [512] 1.84, `pnpm bench:accuracy`; [256, 256] gave 1.64 in
 * the run before the 'gaussianize' default).
 */
export const AUTO_WIDE_CRITIC_DIMS = 20;

/** Whether a side looks discrete: all columns categorical, or one integer column with few distinct values (as `mixed`'s rule). */
function discreteSide(v: Variable): boolean {
  if (v.categorical.length > 0 && v.categorical.every(Boolean)) return true;
  if (v.d !== 1) return false;
  for (let i = 0; i < v.data.length; i++) if (!Number.isInteger(v.data[i]!)) return false;
  return looksDiscrete(columnTies(v)[0]!.distinct, v.n);
}

export const autoParams = commonParams.strict();

/**
 * Which estimator `auto` runs, and why.
 * Rule: both sides discrete (categorical, or one integer column with few
 * distinct values) → `discrete`; exactly one → `mixed`; both continuous with
 * dx + dy ≤ AUTO_KSG_MAX_DIMS → `ksg`; else `smile` (with `params`, the
 * settings auto passes to it: a [512] critic from AUTO_WIDE_CRITIC_DIMS).
 */
export function autoChoice(
  x: Variable,
  y: Variable,
): { id: 'discrete' | 'mixed' | 'ksg' | 'smile'; reason: string; discrete?: 'x' | 'y'; params?: Record<string, unknown> } {
  const dX = discreteSide(x);
  const dY = discreteSide(y);
  if (dX && dY) return { id: 'discrete', reason: 'both sides are discrete' };
  if (dX || dY) return { id: 'mixed', reason: `${dX ? 'x' : 'y'} is discrete and ${dX ? 'y' : 'x'} continuous`, discrete: dX ? 'x' : 'y' };
  const dims = x.d + y.d;
  if (dims <= AUTO_KSG_MAX_DIMS) return { id: 'ksg', reason: `both sides are continuous with ${dims} dimensions in all (≤ ${AUTO_KSG_MAX_DIMS})` };
  const reason = `both sides are continuous with ${dims} dimensions in all (> ${AUTO_KSG_MAX_DIMS}), where KSG's bias grows`;
  if (dims >= AUTO_WIDE_CRITIC_DIMS) return { id: AUTO_NEURAL, reason: `${reason}; critic hidden [512] from ${AUTO_WIDE_CRITIC_DIMS} dimensions`, params: { hidden: [512] } };
  return { id: AUTO_NEURAL, reason };
}

/**
 * `auto`: picks an estimator from the data and runs it with its defaults (and
 * this call's seed); says which in an AUTO_CHOICE diagnostic whose
 * `data.chosen` is the id. The rule is `autoChoice`'s.
 */
export const autoEstimator: EstimatorDefinition<typeof autoParams> = {
  id: 'auto',
  title: 'Automatic choice',
  description: `Picks an estimator from the data: both sides discrete → discrete (plug-in); one discrete, one continuous → mixed (Ross); continuous with dx + dy ≤ ${AUTO_KSG_MAX_DIMS} → ksg; higher-dimensional continuous → ${AUTO_NEURAL} (neural lower bound; one hidden layer of 512 from ${AUTO_WIDE_CRITIC_DIMS} dimensions). The choice is reported in an AUTO_CHOICE diagnostic.`,
  kind: 'point',
  schema: autoParams,
  capabilities: {
    x: ['continuous', 'discrete'],
    y: ['continuous', 'discrete'],
    multivariate: true,
    deterministic: false,
    // It trains when it picks a neural estimator (high-dimensional continuous data).
    needsTraining: true,
    minSamples: 4,
    symmetric: false,
  },
  // Discrete data may have a constant side (H = 0); the chosen estimator checks its own rules.
  rejectConstant: false,
  async run(x, y, params, ctx) {
    const choice = autoChoice(x, y);
    const defs: Record<typeof choice.id, EstimatorDefinition> = {
      discrete: discreteEstimator as unknown as EstimatorDefinition,
      mixed: mixedEstimator as unknown as EstimatorDefinition,
      ksg: ksgEstimator as unknown as EstimatorDefinition,
      smile: smileEstimator as unknown as EstimatorDefinition,
    };
    const inner: Record<string, unknown> = { seed: params.seed, units: 'nats' };
    if (choice.discrete) inner['discrete'] = choice.discrete;
    if (choice.params) Object.assign(inner, choice.params);
    const opts: { signal?: AbortSignal; onProgress?: typeof ctx.onProgress } = {};
    if (ctx.signal) opts.signal = ctx.signal;
    if (ctx.onProgress) opts.onProgress = ctx.onProgress;
    const r = await runEstimator(defs[choice.id], x, y, inner, opts);
    const bound = r.kind === 'lower-bound' ? ' (a variational lower bound, not a point estimate)' : '';
    const diagnostics: Diagnostic[] = [
      {
        code: 'AUTO_CHOICE',
        severity: 'info',
        message: `auto chose '${choice.id}': ${choice.reason}${bound}`,
        data: { chosen: choice.id },
      },
      // The registry adds NEGATIVE_ESTIMATE for this result itself.
      ...r.diagnostics.filter((d) => d.code !== 'NEGATIVE_ESTIMATE'),
    ];
    const out: RawEstimate = { value: r.value, diagnostics, kind: r.kind };
    if (r.ci) out.ci = r.ci;
    if (r.pValue !== undefined) out.pValue = r.pValue;
    if (r.trace) out.trace = r.trace;
    if (r.details) out.details = r.details;
    return out;
  },
};
