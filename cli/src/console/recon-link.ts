import { serveDashboard, type DashboardServer } from '@coattail/recon';
import type { Logger } from '@coattail/runtime';

/**
 * The reconciliation dashboard the console links to: the URL given (`--recon-url`), or one served
 * here for a recon output folder (`--recon-dir`, on a free loopback port; the recon dashboard has
 * no token of its own, so it never listens beyond loopback).
 */
export async function reconLink(
  options: { reconUrl?: string; reconDir?: string },
  logger: Logger,
): Promise<{ url?: string; server?: DashboardServer }> {
  if (options.reconDir === undefined) return options.reconUrl !== undefined ? { url: options.reconUrl } : {};
  const server = await serveDashboard({ dir: options.reconDir, port: 0, host: '127.0.0.1', logger });
  return { url: server.url, server };
}
