import type { Command } from 'commander';
import pino from 'pino';
import { describeJobConfig } from '@coattail/stream-jobs';
import { reconLink } from '../console/recon-link.js';
import { runConsole } from '../console/run-console.js';
import { port } from '../options.js';

interface ConsoleOptions {
  host: string;
  port: number;
  token?: string;
  databaseUrl?: string;
  reconUrl?: string;
  reconDir?: string;
  stateDir: string;
  trades: boolean;
}

/** `coattail console`: the live operations page against any endpoints (local stack or AWS). */
export function registerConsole(program: Command): void {
  program
    .command('console')
    .description(
      'serve the live operations page (alerts, price/VWAP charts, spreads, volume z-scores, DLQ, Iceberg tables) against the configured endpoints',
    )
    .option('-p, --port <port>', 'port (0 = any free port)', port, 8790)
    .option(
      '--host <host>',
      'interface to listen on; anything beyond loopback needs --token (or keep 127.0.0.1 behind an authenticating proxy)',
      '127.0.0.1',
    )
    .option('--token <secret>', 'token every request must present, 16+ characters (default: $COATTAIL_CONSOLE_TOKEN)')
    .option('--database-url <url>', 'Postgres with the file-quality reporting tables (default: $DATABASE_URL)')
    .option('--recon-url <url>', 'link to a reconciliation dashboard (coattail recon serve)')
    .option('--recon-dir <dir>', 'serve the reconciliation dashboard of this recon output folder and link it')
    .option(
      '--state-dir <dir>',
      'where npm start keeps its state: its running stack is read when no endpoint is set, and the local Iceberg catalog (ICEBERG_CATALOG=local)',
      '.coattail',
    )
    .option('--no-trades', 'do not follow the trade stream (no charts; alerts, DLQ and tables only)')
    .addHelpText(
      'after',
      `
Examples:
  coattail console                                   # the npm start running on .coattail, http://127.0.0.1:8790/
  COATTAIL_CONSOLE_TOKEN=$(openssl rand -hex 16) coattail console --host 0.0.0.0
                                                     # remote use: open http://<host>:8790/?token=<token> once

Remote use: the page is loopback-only by default. Either keep it on 127.0.0.1 and reach it through
an SSH tunnel (ssh -L 8790:127.0.0.1:8790 host) or an authenticating reverse proxy, or listen on
another interface with --token: every request, the event stream included, must then present it as
"Authorization: Bearer <token>", ?token=<token> (the page keeps it in an HttpOnly cookie) or that
cookie. Put TLS in front of it: the token is a bearer secret.

Endpoints: COATTAIL_KINESIS_ENDPOINT, COATTAIL_DYNAMODB_ENDPOINT, COATTAIL_S3_ENDPOINT (or AWS_ENDPOINT_URL);
unset: the npm start running on --state-dir (its up.json), else real AWS when AWS is configured.
Catalog: ICEBERG_CATALOG=local (under --state-dir) or glue. Windows and thresholds as the jobs':
${describeJobConfig()}
`,
    )
    .action(async (options: ConsoleOptions) => {
      const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
      const token = options.token ?? process.env.COATTAIL_CONSOLE_TOKEN;
      const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
      const recon = await reconLink(options, logger);
      const running = await runConsole({
        host: options.host,
        port: options.port,
        stateDir: options.stateDir,
        trades: options.trades,
        logger,
        ...(token !== undefined ? { token } : {}),
        ...(databaseUrl !== undefined ? { databaseUrl } : {}),
        ...(recon.url !== undefined ? { reconUrl: recon.url } : {}),
      });
      console.log(
        `coattail console: ${running.server.url}${token !== undefined ? ' (add ?token=<your token> once)' : ''}, reading ${running.origin} (Ctrl-C to stop)`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
      await recon.server?.close();
    });
}
