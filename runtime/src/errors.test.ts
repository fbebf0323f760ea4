import { describe, expect, it } from 'vitest';
import { PlatformError, RuntimeError, SinkWriteError, StateRestoreError, UserFunctionError } from './errors.js';
import { isRetryable } from './retry/retry.js';

describe('the platform error root', () => {
  it('carries code, domain, retryable and the native cause on every subclass', () => {
    const cause = new Error('socket closed');
    const sink = new SinkWriteError('alerts', cause);
    expect(sink).toBeInstanceOf(PlatformError);
    expect(sink).toMatchObject({ name: 'SinkWriteError', code: 'SINK_WRITE', domain: 'external', retryable: true });
    expect(sink.cause).toBe(cause);
    const user = new UserFunctionError('map', cause);
    expect(user).toBeInstanceOf(RuntimeError);
    expect(user).toMatchObject({ code: 'USER_FUNCTION', domain: 'user', retryable: false });
    expect(new StateRestoreError('volume', 'x')).toBeInstanceOf(PlatformError);
    expect(new PlatformError('X', 'y')).toMatchObject({ domain: 'internal', retryable: false });
  });

  it('decides retries from the error own flag, and retries errors that carry none', () => {
    expect(isRetryable(new SinkWriteError('s', 'x'))).toBe(true);
    expect(isRetryable(new UserFunctionError('m', 'x'))).toBe(false);
    expect(isRetryable(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryable({ retryable: 'yes' })).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
  });
});
