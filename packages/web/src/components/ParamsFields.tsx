import type { FieldSpec, FormValues } from '../params-form.js';

/** Props of {@link ParamsFields}. */
export interface ParamsFieldsProps {
  fields: readonly FieldSpec[];
  values: FormValues;
  errors: Readonly<Record<string, string>>;
  onChange(name: string, value: string | boolean): void;
}

/** DOM id of a parameter's input (labels, error links, focusing the first invalid field). */
export const fieldId = (name: string): string => `param-${name}`;

function Field({ f, value, error, onChange }: { f: FieldSpec; value: string | boolean; error?: string; onChange(v: string | boolean): void }) {
  const id = fieldId(f.name);
  const errId = `${id}-error`;
  const descId = `${id}-desc`;
  const describedBy = [f.description ? descId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: f.name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy } as const;
  let control;
  if (f.kind === 'boolean') {
    control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  } else if (f.kind === 'enum') {
    control = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
        {f.options!.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (f.kind === 'int-list') {
    control = <input {...common} type="text" inputMode="numeric" value={String(value)} onChange={(e) => onChange(e.currentTarget.value)} />;
  } else {
    control = (
      <input
        {...common}
        type="number"
        step={f.kind === 'integer' ? 1 : 'any'}
        min={f.min}
        max={f.max}
        value={String(value)}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  return (
    <div className={`field field-${f.kind}${error ? ' invalid' : ''}`} data-field={f.name}>
      <label htmlFor={id}>{f.name}</label>
      {control}
      {f.description && (
        <small id={descId} className="aside">
          {f.description}
        </small>
      )}
      {error && (
        <small id={errId} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/**
 * The estimator's parameters as form fields, generated from its JSON Schema:
 * the main ones first, the rest under "More parameters". Errors (from the
 * zod schema) show next to their field.
 */
export function ParamsFields({ fields, values, errors, onChange }: ParamsFieldsProps) {
  const main = fields.filter((f) => !f.advanced);
  const more = fields.filter((f) => f.advanced);
  const render = (f: FieldSpec) => (
    <Field key={f.name} f={f} value={values[f.name] ?? f.defaultValue} {...(errors[f.name] ? { error: errors[f.name] } : {})} onChange={(v) => onChange(f.name, v)} />
  );
  return (
    <div className="params" data-testid="params">
      <div className="field-grid">{main.map(render)}</div>
      {more.length > 0 && (
        <details open={more.some((f) => errors[f.name] !== undefined) || undefined}>
          <summary>More parameters ({more.length})</summary>
          <div className="field-grid">{more.map(render)}</div>
        </details>
      )}
    </div>
  );
}
