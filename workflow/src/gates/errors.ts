import { RuntimeError } from '@coattail/runtime';

/**
 * A gate declaration or call that cannot work as written (bad config, quarantine without a
 * path). Data that breaks the gate's rules is a result, never this error.
 */
export class GateConfigError extends RuntimeError {
  constructor(message: string, cause?: unknown) {
    super('GATE_CONFIG', message, { domain: 'user', ...(cause === undefined ? {} : { cause }) });
  }
}
