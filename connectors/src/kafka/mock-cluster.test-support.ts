import { kcatInstalled } from '@coattail/local-stack';

/** The source's mock-cluster tests run wherever kcat is installed, and always in CI (where a missing kcat fails them). */
export const runOnMockCluster = kcatInstalled() || process.env.CI === 'true';

/** Short group timeouts, so rebalances and lapsed sessions happen within a test. */
export const SESSION = { sessionTimeout: 3_000, heartbeatInterval: 300, rebalanceTimeout: 6_000 };

/** Polls `ok` every 20 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
