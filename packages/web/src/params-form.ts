/**
 * The parameter form, derived from an estimator's JSON Schema (core's
 * `listEstimators()[i].paramsJsonSchema`, made by `z.toJSONSchema` from the
 * same zod schema that validates the call). Nothing here knows any estimator:
 * a new parameter in core shows up in the form by itself.
 */

/** One form field, derived from one property of the JSON Schema. */
export interface FieldSpec {
  /** Parameter name, e.g. `k`, `batchSize`. */
  name: string;
  /** How it is edited: number input, checkbox, select, or a comma list of integers (`hidden`). */
  kind: 'integer' | 'number' | 'boolean' | 'enum' | 'int-list';
  /** The schema's description (shown under the field). */
  description: string;
  /** Choices of an `enum` field, as strings (numbers are converted back when read). */
  options?: string[];
  /** True when the options are numbers (e.g. KSG's `algorithm`: 1 or 2). */
  numericOptions?: boolean;
  min?: number;
  max?: number;
  /** The schema default, as the form shows it. */
  defaultValue: string | boolean;
  /** Shown under "More parameters" instead of with the main ones. */
  advanced: boolean;
}

/** Raw form state: text of number/list/select fields, booleans of checkboxes. */
export type FormValues = Record<string, string | boolean>;

/**
 * Parameters shown up front; every other schema property goes under "More
 * parameters". The list names what users change most (the issue's "main
 * parameters"); it filters, it does not define: unknown names are ignored.
 */
export const MAIN_PARAMS: readonly string[] = [
  'seed',
  'units',
  'k',
  'algorithm',
  'discrete',
  'normalization',
  'millerMadow',
  'shrinkage',
  'biasCorrection',
  'steps',
  'batchSize',
  'hidden',
  'lr',
  'repeats',
  'earlyStop',
  'backend',
];

type JsonSchema = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Form fields for every property of an estimator's params JSON Schema, in schema order. */
export function fieldsFromJsonSchema(schema: JsonSchema): FieldSpec[] {
  const props = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  return Object.entries(props).map(([name, p]) => {
    const description = typeof p['description'] === 'string' ? p['description'] : '';
    const advanced = !MAIN_PARAMS.includes(name);
    const def = p['default'];
    const base = { name, description, advanced };
    const anyOf = p['anyOf'] as JsonSchema[] | undefined;
    if (Array.isArray(p['enum']) || p['const'] !== undefined || (anyOf && anyOf.every((a) => a['const'] !== undefined))) {
      const values: unknown[] = Array.isArray(p['enum']) ? p['enum'] : p['const'] !== undefined ? [p['const']] : anyOf!.map((a) => a['const']);
      return {
        ...base,
        kind: 'enum',
        options: values.map(String),
        numericOptions: values.every((v) => typeof v === 'number'),
        defaultValue: def === undefined ? String(values[0]) : String(def),
      } satisfies FieldSpec;
    }
    if (p['type'] === 'boolean') return { ...base, kind: 'boolean', defaultValue: def === true } satisfies FieldSpec;
    if (p['type'] === 'array') {
      return { ...base, kind: 'int-list', defaultValue: Array.isArray(def) ? def.join(', ') : '' } satisfies FieldSpec;
    }
    const spec: FieldSpec = {
      ...base,
      kind: p['type'] === 'integer' ? 'integer' : 'number',
      defaultValue: def === undefined ? '' : String(def),
    };
    const min = num(p['minimum']) ?? num(p['exclusiveMinimum']);
    const max = num(p['maximum']) ?? num(p['exclusiveMaximum']);
    if (min !== undefined) spec.min = min;
    // 2^53 − 1 is zod's "no maximum" for ints; a max attribute of it only clutters the input.
    if (max !== undefined && max < Number.MAX_SAFE_INTEGER) spec.max = max;
    return spec;
  });
}

/** The form's initial values: each field's schema default. */
export function defaultValues(fields: readonly FieldSpec[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, f.defaultValue]));
}

/**
 * Turns form text into a params object for the zod schema. Only what the
 * browser cannot express is checked here (text that is not a number or a
 * list of integers); ranges and types are the schema's job. Empty number
 * fields are left out, so the schema default applies.
 */
export function valuesToParams(fields: readonly FieldSpec[], values: FormValues): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.name] ?? f.defaultValue;
    if (f.kind === 'boolean') {
      params[f.name] = v === true;
      continue;
    }
    const text = String(v).trim();
    if (f.kind === 'enum') {
      params[f.name] = f.numericOptions ? Number(text) : text;
    } else if (f.kind === 'int-list') {
      if (text === '') continue;
      const parts = text.split(/[\s,]+/).filter((s) => s !== '');
      const nums = parts.map(Number);
      if (nums.some((n) => !Number.isInteger(n))) errors[f.name] = 'enter whole numbers separated by commas, e.g. 100, 100';
      else params[f.name] = nums;
    } else {
      if (text === '') continue;
      const n = Number(text);
      if (!Number.isFinite(n)) errors[f.name] = `'${text}' is not a number`;
      else params[f.name] = n;
    }
  }
  return { params, errors };
}

/** The part of a zod schema the form uses (core's `getEstimator(id).schema`). */
export interface SafeParseSchema {
  safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * Validates params with the estimator's own zod schema (the one `estimate`
 * uses), returning one message per field. An empty object means valid.
 */
export function validateParams(schema: SafeParseSchema, params: Record<string, unknown>): Record<string, string> {
  const r = schema.safeParse(params);
  if (r.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : '_form';
    if (!(field in errors)) errors[field] = lowerFirst(issue.message);
  }
  return errors;
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
