/// <reference lib="webworker" />
/**
 * The estimation worker: core and its wasm kernels run here, so training never
 * blocks the page. One run at a time per message id; `cancel` aborts through an
 * AbortController, which core checks between training steps (it yields to the
 * event loop every ~100 ms when given a signal, which is what lets the
 * `cancel` message in at all).
 */
import { estimate, isMineError, rankFeatures, selectXY } from '@mine/core';
import { toUserError } from './errors.js';
import { parseTable } from './load.js';
import type { FromWorker, ToWorker } from './protocol.js';

declare const self: DedicatedWorkerGlobalScope;

const running = new Map<number, AbortController>();

const post = (m: FromWorker): void => self.postMessage(m);

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(msg.id, controller);
  const { signal } = controller;
  const { estimator, ...params } = msg.config;
  try {
    const ds = parseTable(msg.text, msg.format);
    if (msg.type === 'estimate') {
      const { x, y } = selectXY(ds, msg.x, msg.y);
      const result = await estimate(x, y, { estimator, ...params }, {
        signal,
        onProgress: (event) => post({ type: 'progress', id: msg.id, event }),
      });
      post({ type: 'result', id: msg.id, result });
    } else {
      const ranking = await rankFeatures(ds, msg.target, msg.features.length > 0 ? msg.features : undefined, { estimator, ...params }, {
        signal,
        onProgress: (event) => post({ type: 'progress', id: msg.id, event }),
      });
      post({ type: 'ranking', id: msg.id, ranking });
    }
  } catch (err) {
    if (signal.aborted || (isMineError(err) && err.code === 'ABORTED')) post({ type: 'cancelled', id: msg.id });
    else post({ type: 'error', id: msg.id, error: toUserError(err) });
  } finally {
    running.delete(msg.id);
  }
};
