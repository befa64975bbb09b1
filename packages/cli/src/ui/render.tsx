/**
 * The public face of the UI: functions, not components (Shopify CLI's
 * pattern). Command code never writes JSX.
 */
import React from 'react';
import { render, renderToString } from 'ink';
import type { EstimateResult, ProgressEvent } from '@mine/core';
import ProgressView from './components/ProgressView.js';
import ResultCard from './components/ResultCard.js';
import BenchView, { type BenchViewProps } from './components/BenchView.js';

/** A running live view; feed it core's progress events. */
export interface LiveView {
  /** Core's `onProgress`. */
  onProgress(event: ProgressEvent): void;
  /** The latest event seen (for the "aborted at step …" line). */
  last(): ProgressEvent | undefined;
  /** Freezes the view with a final status line and releases the terminal. */
  stop(status: string): Promise<void>;
}

/** Options of `renderLiveProgress`. */
export interface LiveOptions {
  title: string;
  units?: 'nats' | 'bits';
  /**
   * Where to draw. Only a TTY gets the live view; anything else gets a no-op
   * view (no animation in logs or pipes).
   * @default process.stderr
   */
  stream?: NodeJS.WriteStream;
  /** Draw even when `stream` is not a TTY (tests). @default false */
  force?: boolean;
}

/**
 * Starts the live progress view on stderr:
 *
 *     mine  I(temp; humidity)  2000 rows
 *     ████████████▍                  1200/3000 steps  40%  412 steps/s  ETA 4.4 s
 *     bound  train 0.7512  validation 0.5925 nats
 *     ▁▂▃▄▅▆▆▇▇███  validation
 *
 * Ctrl-C is not ink's business here (`exitOnCtrlC: false`): the command
 * turns SIGINT into an AbortSignal so core stops where it is.
 */
export function renderLiveProgress(options: LiveOptions): LiveView {
  const stream = options.stream ?? process.stderr;
  let event: ProgressEvent | undefined;
  const history: number[] = [];
  if (!stream.isTTY && !options.force) {
    return {
      onProgress: (e) => {
        event = e;
      },
      last: () => event,
      stop: async () => {},
    };
  }
  const view = (status?: string) => (
    <ProgressView
      title={options.title}
      history={history}
      units={options.units ?? 'nats'}
      {...(event ? { event } : {})}
      {...(status ? { status } : {})}
    />
  );
  const instance = render(view(), { stdout: stream, exitOnCtrlC: false, patchConsole: false });
  let lastValidationStep = -1;
  return {
    onProgress(e) {
      // core's last event carries only the final validation bound: keep the last train bound on screen.
      event = { ...e, values: { ...event?.values, ...e.values } };
      const v = e.values?.['validation'];
      // core repeats the last evaluation in events between evaluations; keep one point per step.
      if (v !== undefined && Number.isFinite(v) && e.done !== lastValidationStep) {
        history.push(v);
        lastValidationStep = e.done;
      }
      instance.rerender(view());
    },
    last: () => event,
    async stop(status) {
      instance.rerender(view(status));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}

/** The result card as text (ANSI colours only when the stream supports them), for stdout. */
export function resultCardText(result: EstimateResult, columns = 100): string {
  return renderToString(<ResultCard result={result} />, { columns });
}

/** A running bench view: `rerender` with new props, `unmount` at the end. */
export interface BenchViewHandle {
  rerender(props: BenchViewProps): void;
  unmount(): void;
}

/**
 * Starts the live `mine bench` view on stderr: finished rows printed once
 * (ink's <Static>), the running cell redrawn below them.
 */
export function renderBenchView(props: BenchViewProps): BenchViewHandle {
  const instance = render(<BenchView {...props} />, { stdout: process.stderr, exitOnCtrlC: false, patchConsole: false });
  return {
    rerender: (p) => instance.rerender(<BenchView {...p} />),
    unmount: () => instance.unmount(),
  };
}
