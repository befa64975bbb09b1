/**
 * Estimator parameters as command-line flags, generated from core's zod
 * schemas (through the JSON Schema `listEstimators()` publishes), so a new
 * parameter in core is a new flag here with no edit: camelCase `batchSize` →
 * `--batch-size`, numbers parsed, number arrays from `100,100`, booleans as
 * `--early-stop` / `--no-early-stop`, enums checked. Ranges are left to core:
 * the values are validated by the estimator's own schema on `estimate`, and an
 * INVALID_PARAMS error is mapped back to the flag (see `flagForField`).
 */
import { Option, InvalidArgumentError, type Command } from 'commander';
import { listEstimators } from '@mine/core';
import { UsageError } from './errors.js';

/** How a flag's text becomes a parameter value. */
export type FlagType = 'number' | 'number[]' | 'boolean' | 'enum' | 'string';

/** One generated flag: a parameter name shared by one or more estimators. */
export interface ParamFlag {
  /** The parameter, as core names it (camelCase), e.g. `batchSize`. */
  param: string;
  /** The long flag without dashes, e.g. `batch-size`. */
  flag: string;
  type: FlagType;
  /** Allowed values for `enum` (strings or numbers), the union over estimators. */
  choices?: (string | number)[];
  /** Estimators whose schema has this parameter, in registry order. */
  estimators: string[];
  /** The description of the first schema that has it. */
  description: string;
  /** Default value per estimator (when the schema gives one). */
  defaults: Record<string, unknown>;
}

/** Extra spellings accepted for a boolean flag (issue 4 asks for `--no-early-stopping` too). */
export const BOOLEAN_ALIASES: Readonly<Record<string, string>> = { earlyStop: 'early-stopping' };

/** Parameters every estimator takes: shown in their own help group. */
const COMMON = new Set(['seed', 'units']);

/** `batchSize` → `batch-size`. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

type JsonProp = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonProp[];
  items?: JsonProp;
  description?: string;
  default?: unknown;
};

function typeOf(p: JsonProp): { type: FlagType; choices?: (string | number)[] } {
  if (p.enum) return { type: 'enum', choices: p.enum as (string | number)[] };
  if (p.const !== undefined) return { type: 'enum', choices: [p.const as string | number] };
  if (p.anyOf && p.anyOf.every((a) => a.const !== undefined)) {
    return { type: 'enum', choices: p.anyOf.map((a) => a.const as string | number) };
  }
  if (p.type === 'integer' || p.type === 'number') return { type: 'number' };
  if (p.type === 'boolean') return { type: 'boolean' };
  if (p.type === 'array' && p.items && (p.items.type === 'integer' || p.items.type === 'number')) return { type: 'number[]' };
  return { type: 'string' };
}

let cache: ParamFlag[] | undefined;

/** Every estimator parameter as a flag, in first-seen order over the registry. */
export function paramFlags(): ParamFlag[] {
  if (cache) return cache;
  const byParam = new Map<string, ParamFlag>();
  for (const e of listEstimators()) {
    const props = (e.paramsJsonSchema['properties'] ?? {}) as Record<string, JsonProp>;
    for (const [param, p] of Object.entries(props)) {
      const t = typeOf(p);
      let f = byParam.get(param);
      if (!f) {
        f = { param, flag: kebab(param), type: t.type, estimators: [], description: p.description ?? '', defaults: {} };
        if (t.choices) f.choices = [...t.choices];
        byParam.set(param, f);
      } else if (t.choices && f.choices) {
        for (const c of t.choices) if (!f.choices.includes(c)) f.choices.push(c);
      }
      f.estimators.push(e.id);
      if (p.default !== undefined) f.defaults[e.id] = p.default;
    }
  }
  cache = [...byParam.values()];
  return cache;
}

/** The flags one estimator takes. */
export function flagsOf(estimator: string): ParamFlag[] {
  return paramFlags().filter((f) => f.estimators.includes(estimator));
}

function parseNumber(flag: string) {
  return (text: string): number => {
    const v = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`--${flag} takes a number, got '${text}'`);
    return v;
  };
}

function parseNumbers(flag: string) {
  return (text: string): number[] => {
    const parts = text.split(',').map((s) => s.trim());
    const out = parts.map((s) => (s === '' ? NaN : Number(s)));
    if (parts.length === 0 || out.some((v) => !Number.isFinite(v))) {
      throw new InvalidArgumentError(`--${flag} takes comma-separated numbers such as 100,100, got '${text}'`);
    }
    return out;
  };
}

function parseChoice(flag: string, choices: (string | number)[]) {
  return (text: string): string | number => {
    const hit = choices.find((c) => String(c) === text.trim());
    if (hit === undefined) {
      throw new InvalidArgumentError(`--${flag} must be one of ${choices.join(', ')}; got '${text}'`);
    }
    return hit;
  };
}

/** Help group heading: the estimators that take a flag. */
function groupOf(f: ParamFlag): string {
  if (COMMON.has(f.param)) return 'Parameters of every estimator:';
  return `Parameters of ${f.estimators.join(', ')}:`;
}

/**
 * Adds every generated flag to `cmd`, grouped in `--help` by the estimators
 * that take it. No defaults are set here: a flag left out is a parameter left
 * out, so core's defaults apply and `collectParams` can tell what was given.
 */
export function addParamFlags(cmd: Command): Command {
  for (const f of paramFlags()) {
    const group = groupOf(f);
    // One default shared by every estimator that takes the flag is worth showing; differing ones are not.
    const defaults = [...new Set(Object.values(f.defaults).map((v) => (Array.isArray(v) ? v.join(',') : String(v))))];
    const desc = defaults.length === 1 ? `${f.description} (default ${defaults[0]})` : f.description;
    if (f.type === 'boolean') {
      cmd.addOption(new Option(`--${f.flag}`, desc).helpGroup(group));
      cmd.addOption(new Option(`--no-${f.flag}`, `turn off: ${f.flag}`).helpGroup(group));
      const alias = BOOLEAN_ALIASES[f.param];
      if (alias) {
        cmd.addOption(new Option(`--${alias}`).hideHelp());
        cmd.addOption(new Option(`--no-${alias}`, `same as --no-${f.flag}`).helpGroup(group));
      }
      continue;
    }
    let opt: Option;
    if (f.type === 'number') opt = new Option(`--${f.flag} <n>`, desc).argParser(parseNumber(f.flag));
    else if (f.type === 'number[]') opt = new Option(`--${f.flag} <list>`, desc).argParser(parseNumbers(f.flag));
    else if (f.type === 'enum') {
      const choices = f.choices ?? [];
      opt = new Option(`--${f.flag} <${choices.join('|')}>`, desc).argParser(parseChoice(f.flag, choices));
    } else opt = new Option(`--${f.flag} <value>`, desc);
    cmd.addOption(opt.helpGroup(group));
  }
  return cmd;
}

function camel(kebabName: string): string {
  return kebabName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The parameters given on the command line for `estimator`: every generated
 * flag that was used, checked to be one the estimator takes (else a usage
 * error naming the estimator and the flags it does take).
 */
export function collectParams(opts: Record<string, unknown>, estimator: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const f of paramFlags()) {
    let value = opts[f.param];
    const alias = BOOLEAN_ALIASES[f.param];
    if (value === undefined && alias) value = opts[camel(alias)];
    if (value === undefined) continue;
    if (!f.estimators.includes(estimator)) {
      const takes = flagsOf(estimator)
        .filter((g) => !COMMON.has(g.param))
        .map((g) => `--${g.flag}`);
      throw new UsageError(`--${f.flag} is not a parameter of the '${estimator}' estimator`, {
        hint: takes.length
          ? `'${estimator}' takes ${takes.join(', ')} (and --seed, --units); --${f.flag} is for ${f.estimators.join(', ')}`
          : `'${estimator}' takes only --seed and --units; --${f.flag} is for ${f.estimators.join(', ')}`,
      });
    }
    params[f.param] = value;
  }
  return params;
}

/** `hidden.0` (core's INVALID_PARAMS field) → `--hidden`; undefined when no flag matches. */
export function flagForField(field: string | undefined): string | undefined {
  if (!field) return undefined;
  const head = field.split('.')[0]!;
  const f = paramFlags().find((g) => g.param === head);
  return f ? `--${f.flag}` : undefined;
}
