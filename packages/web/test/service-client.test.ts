import { afterEach, describe, expect, test, vi } from 'vitest';
import { runOnService } from '../src/service.js';
import type { RunRequest } from '../src/worker-client.js';

/**
 * The service client's own bookkeeping around fetch and EventSource, with
 * both replaced by stand-ins (Node has no EventSource). The real server is
 * exercised end to end in service.test.ts; what is checked here are the
 * orderings that test cannot force: Cancel pressed while the POST is still in
 * flight, and a job that finished before the DELETE arrived.
 */
class FakeEventSource {
  static readonly CLOSED = 2;
  static opened: string[] = [];
  readyState = 1;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.opened.push(url);
  }
  addEventListener(): void {}
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }
}

const request: RunRequest = {
  type: 'estimate',
  text: 'a,b\n1,2\n2,3\n3,5\n4,4\n5,6\n',
  format: 'csv',
  x: ['a'],
  y: ['b'],
  config: { estimator: 'gaussian', seed: 1 },
};

const job = { id: 'j1', status: 'queued', links: { self: '/v1/jobs/j1', events: '/v1/jobs/j1/events' } };
const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  FakeEventSource.opened = [];
});

describe('runOnService', () => {
  test.each([
    ['the DELETE succeeds', 200],
    ['the job finished before the DELETE (409)', 409],
  ])('Cancel while the POST is in flight ends the run as cancelled when %s', async (_name, deleteStatus) => {
    const calls: string[] = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (init?.method === 'POST') {
        await new Promise((r) => setTimeout(r, 30));
        return json(202, job);
      }
      if (init?.method === 'DELETE') return json(deleteStatus, deleteStatus === 200 ? { ...job, status: 'cancelled' } : { error: { code: 'CONFLICT', message: 'already finished' } });
      return json(200, { ...job, status: 'succeeded' });
    });
    const h = runOnService(request, () => {});
    h.cancel(); // before the POST has answered
    const outcome = await Promise.race([h.outcome, new Promise((r) => setTimeout(() => r('hung'), 2000))]);
    expect(outcome).toEqual({ kind: 'cancelled', terminated: false });
    expect(calls).toEqual(['POST /v1/estimates', 'DELETE /v1/jobs/j1']);
    expect(FakeEventSource.opened).toEqual([]); // nothing to follow once cancelled
  });
});
