// @vitest-environment jsdom
import { getEstimator, listEstimators } from '@mine/core';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { ParamsFields } from '../src/components/ParamsFields.js';
import { defaultValues, fieldsFromJsonSchema, validateParams, valuesToParams, type SafeParseSchema } from '../src/params-form.js';

afterEach(cleanup);

const schemaOf = (id: string) => getEstimator(id).schema as unknown as SafeParseSchema & { parse(v: unknown): unknown };

describe('the form is generated from each estimator\'s schema', () => {
  for (const info of listEstimators()) {
    test(`${info.id}: one labelled control per parameter, showing the schema defaults, which parse to the estimator's defaults`, () => {
      const props = Object.keys((info.paramsJsonSchema['properties'] ?? {}) as object);
      const fields = fieldsFromJsonSchema(info.paramsJsonSchema);
      expect(fields.map((f) => f.name)).toEqual(props);
      expect(props).toEqual(expect.arrayContaining(['seed', 'units']));

      const values = defaultValues(fields);
      render(<ParamsFields fields={fields} values={values} errors={{}} onChange={() => {}} />);
      for (const f of fields) {
        const el = screen.getByLabelText(f.name) as HTMLInputElement | HTMLSelectElement;
        if (f.kind === 'boolean') expect((el as HTMLInputElement).checked).toBe(f.defaultValue);
        else expect(el.value).toBe(f.defaultValue);
      }
      // The untouched form sends exactly the estimator's own defaults.
      const { params, errors } = valuesToParams(fields, values);
      expect(errors).toEqual({});
      expect(schemaOf(info.id).parse(params)).toEqual(schemaOf(info.id).parse({}));
    });
  }

  test('field kinds follow the JSON Schema: integers, enums (numeric too), booleans, integer lists', () => {
    const ksg = fieldsFromJsonSchema(listEstimators().find((e) => e.id === 'ksg')!.paramsJsonSchema);
    const byName = Object.fromEntries(ksg.map((f) => [f.name, f]));
    expect(byName['k']).toMatchObject({ kind: 'integer', min: 1, defaultValue: '3', advanced: false });
    expect(byName['algorithm']).toMatchObject({ kind: 'enum', options: ['1', '2'], numericOptions: true });
    expect(byName['standardize']).toMatchObject({ kind: 'boolean', defaultValue: true, advanced: true });
    const mine = fieldsFromJsonSchema(listEstimators().find((e) => e.id === 'mine')!.paramsJsonSchema);
    const m = Object.fromEntries(mine.map((f) => [f.name, f]));
    expect(m['hidden']).toMatchObject({ kind: 'int-list', defaultValue: '100, 100' });
    expect(m['units']).toMatchObject({ kind: 'enum', options: ['nats', 'bits'] });
    expect(m['lr']).toMatchObject({ kind: 'number', min: 0, max: 1 });
    for (const main of ['seed', 'units', 'steps', 'batchSize', 'hidden', 'lr', 'repeats', 'earlyStop']) expect(m[main]!.advanced).toBe(false);
    expect(valuesToParams(mine, { ...defaultValues(mine), hidden: '64, 32', steps: '300', earlyStop: false }).params).toMatchObject({
      hidden: [64, 32],
      steps: 300,
      earlyStop: false,
    });
  });

  test('the zod schema\'s errors land on their field, shown next to it', () => {
    const fields = fieldsFromJsonSchema(listEstimators().find((e) => e.id === 'mine')!.paramsJsonSchema);
    const values = { ...defaultValues(fields), batchSize: '1', hidden: '100, x' };
    const conv = valuesToParams(fields, values);
    expect(conv.errors).toEqual({ hidden: 'enter whole numbers separated by commas, e.g. 100, 100' });
    const errors = { ...validateParams(schemaOf('mine'), conv.params), ...conv.errors };
    expect(Object.keys(errors).sort()).toEqual(['batchSize', 'hidden']);
    expect(errors['batchSize']).toMatch(/2/); // zod: too small, expected >= 2

    render(<ParamsFields fields={fields} values={values} errors={errors} onChange={() => {}} />);
    const input = screen.getByLabelText('batchSize');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = input.getAttribute('aria-describedby')!.split(' ');
    const msg = document.getElementById('param-batchSize-error')!;
    expect(describedBy).toContain(msg.id);
    expect(msg.textContent).toBe(errors['batchSize']);
    expect(msg.closest('[data-field]')!.getAttribute('data-field')).toBe('batchSize');
  });

  test('editing a field reports the new value (numbers as text, checkboxes as booleans)', () => {
    const fields = fieldsFromJsonSchema(listEstimators().find((e) => e.id === 'mine')!.paramsJsonSchema);
    const changes: [string, unknown][] = [];
    render(<ParamsFields fields={fields} values={defaultValues(fields)} errors={{}} onChange={(n, v) => changes.push([n, v])} />);
    fireEvent.change(screen.getByLabelText('steps'), { target: { value: '500' } });
    fireEvent.click(screen.getByLabelText('earlyStop'));
    fireEvent.change(screen.getByLabelText('units'), { target: { value: 'bits' } });
    expect(changes).toEqual([
      ['steps', '500'],
      ['earlyStop', false],
      ['units', 'bits'],
    ]);
  });
});
