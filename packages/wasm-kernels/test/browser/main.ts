const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (ev: MessageEvent) => {
  (window as unknown as { __result: unknown }).__result = ev.data;
  document.getElementById('status')!.textContent = ev.data.ok ? 'done' : `error: ${ev.data.error}`;
};
worker.onerror = (ev) => {
  (window as unknown as { __result: unknown }).__result = { ok: false, error: ev.message };
};
