/**
 * Whether process `pid` of this host runs: signal 0 checks without signalling, and EPERM means it
 * runs as another user. Lock files and state files that name their writer's pid use it to tell a
 * live holder from one that was killed without cleaning up.
 *
 * @example
 * if (!processAlive(lock.pid)) await breakLock(lock); // its writer was SIGKILLed
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
