import type { UserError } from '../errors.js';

/** One user-facing error: core's message and hint in an assertive alert (never a stack trace). */
export function ErrorAlert({ error, testId }: { error: UserError; testId?: string }) {
  return (
    <div role="alert" className="alert" data-testid={testId} data-code={error.code}>
      <strong>{error.message}</strong>
      {error.hint && <p className="hint">{error.hint}</p>}
    </div>
  );
}
