// @vitest-environment jsdom
import { Dataset } from '@mine/core';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { FileLoader } from '../src/components/FileLoader.js';
import type { LoadedTable } from '../src/load.js';

afterEach(cleanup);

/** Core's own message for text that fails to parse. */
function coreMessage(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the text not to parse');
}

function choose(text: string, name: string): void {
  const input = screen.getByTestId('file-input');
  fireEvent.change(input, { target: { files: [new File([text], name)] } });
}

describe('the file loader', () => {
  test('a bad CSV shows core\'s error message and hint in an alert, and loads nothing', async () => {
    const loaded: LoadedTable[] = [];
    render(<FileLoader onLoad={(t) => loaded.push(t)} />);
    const bad = 'a,a\n1,2\n';
    choose(bad, 'dup.csv');
    const alert = await screen.findByRole('alert');
    expect(alert.querySelector('strong')!.textContent).toBe(coreMessage(() => Dataset.parse(bad)));
    expect(alert.getAttribute('data-code')).toBe('DUPLICATE_COLUMN');
    expect(loaded).toHaveLength(0);
  });

  test('invalid JSON shows core\'s PARSE_ERROR message', async () => {
    render(<FileLoader onLoad={() => {}} />);
    const bad = '[{"x": 1}, {"x": ';
    choose(bad, 'broken.json');
    const alert = await screen.findByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('PARSE_ERROR');
    expect(alert.querySelector('strong')!.textContent).toBe(coreMessage(() => Dataset.parseJson(bad)));
  });

  test('a good TSV loads through core (delimiter, columns, rows) and clears an earlier error', async () => {
    const loaded: LoadedTable[] = [];
    render(<FileLoader onLoad={(t) => loaded.push(t)} />);
    choose('a,a\n1,2\n', 'dup.csv');
    await screen.findByRole('alert');
    choose('x\ty\tlabel\n1\t2\tp\n3\t4.5\tq\n', 'table.tsv');
    await waitFor(() => expect(loaded).toHaveLength(1));
    const t = loaded[0]!;
    expect(t.format).toBe('tsv');
    expect(t.dataset.names).toEqual(['x', 'y', 'label']);
    expect(t.dataset.nRows).toBe(2);
    expect(t.dataset.describe().map((c) => c.kind)).toEqual(['numeric', 'numeric', 'categorical']);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
