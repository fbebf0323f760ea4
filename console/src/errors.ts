import { PlatformError } from '@coattail/runtime';

/** A console setting that cannot work (misaligned windows, a remote address without a token). */
export class ConsoleConfigError extends PlatformError {
  constructor(message: string) {
    super('CONSOLE_CONFIG', message, { domain: 'user' });
  }
}
