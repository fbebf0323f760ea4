import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { processAlive } from './process-alive.js';

describe('processAlive', () => {
  it('tells a running process from one that has exited', async () => {
    expect(processAlive(process.pid)).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', 'console.log(process.pid)']);
    expect(processAlive(Number(stdout))).toBe(false);
  });

  it('counts a process of another user, which it may not signal, as running', () => {
    // Stubbed: as root, every process may be signalled and the kernel never answers EPERM.
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    try {
      expect(processAlive(4242)).toBe(true);
    } finally {
      kill.mockRestore();
    }
  });
});
