import type { Alert, AlertsClient, AlertQuery } from '@coattail/connectors';
import { Option, type Command } from 'commander';
import { alertQuery, kindArg, symbolArg, timeArg, type FilterOptions } from '../alerts/alert-filters.js';
import { ALERT_FORMATS, AlertPrinter, describeAlert, type AlertFormat } from '../alerts/alert-format.js';
import {
  explainReadFailure,
  openAlerts,
  type AlertsConnection,
  type ConnectionOptions,
} from '../alerts/alerts-source.js';
import { duration, positiveInteger, positiveNumber } from '../options.js';

/** Where the alerts commands print and what they read the clock and environment from (tests pass their own). */
export interface AlertsIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Calls `stop` when the user interrupts (Ctrl-C, SIGTERM, a closed pipe). */
  onInterrupt: (stop: () => void) => void;
}

let watchingPipe = false;

/** `coattail alerts list | head`: once the reader is gone there is nothing left to do; end quietly, as Unix tools do. */
function endWhenPipeCloses(): void {
  if (watchingPipe) return;
  watchingPipe = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

/** The terminal: stdout for alerts, stderr for notes, Ctrl-C and SIGTERM to stop `tail`. */
export const processIo: AlertsIo = {
  out: (line) => {
    endWhenPipeCloses();
    process.stdout.write(`${line}\n`);
  },
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  now: Date.now,
  onInterrupt: (stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
};

interface ListOptions extends ConnectionOptions, FilterOptions {
  limit: number;
  order: 'newest' | 'oldest';
  format: AlertFormat;
  consistent?: boolean;
}

interface TailOptions extends ConnectionOptions, Omit<FilterOptions, 'since' | 'until'> {
  lines: number;
  interval: number;
  lookback: number;
  format: AlertFormat;
}

const EXAMPLES = `
Examples:
  coattail alerts list --symbol BTC-USDT --since 10m        alerts of one symbol in the last 10 minutes
  coattail alerts list --kind whale --since 2h --format csv > whales.csv
  coattail alerts list --since 2026-12-07T09:00:00Z --until 2026-12-07T10:00:00Z --order oldest
  coattail alerts tail --kind whale,spread                   follow new alerts as they are written (Ctrl-C to stop)
  coattail alerts tail --format jsonl | jq .alert_id
  coattail alerts show whale:binance:BTC-USDT:123456         every attribute of one alert

Where it reads: --endpoint; else COATTAIL_DYNAMODB_ENDPOINT or AWS_ENDPOINT_URL; else --aws;
else the npm start running on --state-dir (default .coattail); else AWS when AWS_REGION, a profile
or a task role is configured. Times: --since is inclusive, --until exclusive; ages (10m, 2h, 7d)
count back from now. Kinds: VOLUME_ANOMALY (anomaly), WHALE (whale), SPREAD (spread).
`;

function connectionOptions(command: Command): Command {
  return command
    .option(
      '--state-dir <dir>',
      'the folder npm start (coattail up) keeps its state in: finds the running stack',
      '.coattail',
    )
    .option('--endpoint <url>', 'DynamoDB endpoint, e.g. http://127.0.0.1:4568 (coattail local-stack)')
    .option('--aws', 'read real DynamoDB (default AWS credential chain), even if npm start runs')
    .option('--table <name>', "alerts table (default: ALERTS_TABLE, else the running stack's, else coattail-alerts)")
    .option('--region <region>', 'AWS region (default: AWS_REGION)');
}

function filterOptions(command: Command, withTimes: boolean): Command {
  command
    .option('-s, --symbol <symbols>', 'only these symbols, e.g. BTC-USDT (repeat or comma-separate)', symbolArg)
    .option('-k, --kind <kinds>', 'only these kinds: whale, spread, anomaly (repeat or comma-separate)', kindArg);
  if (withTimes)
    command
      .option('--since <time>', 'from this time on (inclusive): an age like 10m or 2h, or an ISO 8601 time', timeArg)
      .option('--until <time>', 'before this time (exclusive): an age or an ISO 8601 time', timeArg);
  return command.addOption(
    new Option('-f, --format <format>', 'output: an aligned table, JSON lines or CSV')
      .choices(ALERT_FORMATS)
      .default('table'),
  );
}

async function withAlerts<T>(
  options: ConnectionOptions,
  io: AlertsIo,
  read: (alerts: AlertsClient, connection: AlertsConnection) => Promise<T>,
): Promise<T> {
  const connection = await openAlerts(options, io.env, (m) =>
    io.err(`skipped a malformed alert ${JSON.stringify(m.key)}: ${m.reason}`),
  );
  try {
    return await read(connection.alerts, connection);
  } catch (error) {
    throw explainReadFailure(error, connection.where);
  } finally {
    connection.close();
  }
}

/** The first `limit` alerts of a scan in time order, holding no more than a few pages in memory. */
async function firstInOrder(all: AsyncIterable<Alert>, limit: number, order: 'newest' | 'oldest') {
  const sign = order === 'newest' ? -1 : 1;
  const compare = (a: Alert, b: Alert): number =>
    sign * (a.alert_time - b.alert_time) || (a.alert_id < b.alert_id ? -1 : a.alert_id > b.alert_id ? 1 : 0);
  let kept: Alert[] = [];
  let total = 0;
  for await (const alert of all) {
    total++;
    kept.push(alert);
    if (kept.length >= limit + 5_000) kept = kept.sort(compare).slice(0, limit);
  }
  return { alerts: kept.sort(compare).slice(0, limit), more: total > limit };
}

async function list(options: ListOptions, io: AlertsIo): Promise<void> {
  const query: AlertQuery = { ...alertQuery(options, io.now()), order: options.order };
  await withAlerts(options, io, async (alerts) => {
    const consistent = options.consistent === true ? { consistentRead: true } : {};
    const { alerts: found, more } =
      query.symbols !== undefined
        ? await alerts.page(query, { limit: options.limit, ...consistent }).then((p) => ({
            alerts: p.alerts,
            more: p.cursor !== undefined,
          }))
        : await firstInOrder(alerts.iterate(query, { limit: 1_000, ...consistent }), options.limit, options.order);
    const printer = new AlertPrinter(options.format, io.out);
    printer.header();
    for (const alert of found) printer.print(alert);
    if (more)
      io.err(
        `(the ${options.order} ${options.limit} shown; more alerts match: raise --limit or narrow --since/--until)`,
      );
    else if (found.length === 0 && options.format === 'table') io.err('(no alerts match)');
  });
}

async function tail(options: TailOptions, io: AlertsIo): Promise<void> {
  const query = alertQuery(options, io.now());
  const stop = new AbortController();
  io.onInterrupt(() => stop.abort());
  await withAlerts(options, io, async (alerts, connection) => {
    const printer = new AlertPrinter(options.format, io.out);
    printer.header();
    const follow = alerts.follow(query, {
      backlog: options.lines,
      intervalMs: options.interval * 1000,
      lookbackMs: options.lookback,
      signal: stop.signal,
      onReady: () => io.err(`following ${connection.where}; Ctrl-C to stop`),
    });
    for await (const alert of follow) printer.print(alert);
  });
}

async function show(id: string, options: ConnectionOptions & { format: 'table' | 'json' }, io: AlertsIo) {
  await withAlerts(options, io, async (alerts, connection) => {
    const found = await alerts.get(id);
    if (found.status === 'missing')
      throw new Error(`no alert '${id}' in ${connection.where}: \`coattail alerts list\` shows ids in its last column`);
    if (found.status === 'malformed')
      throw new Error(
        `alert '${id}' is stored malformed (${found.malformed.reason}): ${JSON.stringify(found.malformed.item)}`,
      );
    if (options.format === 'json') io.out(JSON.stringify(found.alert, null, 2));
    else for (const line of describeAlert(found.alert)) io.out(line);
  });
}

/** `coattail alerts list|tail|show`: read the alerts the stream jobs write to DynamoDB. */
export function registerAlerts(program: Command, io: AlertsIo = processIo): void {
  const alerts = program
    .command('alerts')
    .description('read the whale, volume-anomaly and spread alerts from DynamoDB: list, tail -f, show one')
    .addHelpText('after', EXAMPLES);

  filterOptions(connectionOptions(alerts.command('list')), true)
    .description('alerts matching the filters, newest first (at most --limit)')
    .option('-n, --limit <n>', 'print at most this many', positiveInteger, 100)
    .addOption(new Option('--order <order>', 'time order').choices(['newest', 'oldest']).default('newest'))
    .option(
      '--consistent',
      'strongly consistent read (without --symbol only: the by-symbol index is eventually consistent)',
    )
    .addHelpText('after', EXAMPLES)
    .action((options: ListOptions) => list(options, io));

  filterOptions(connectionOptions(alerts.command('tail')), false)
    .description('print the latest alerts, then follow new ones as they are written (like tail -f)')
    .option('-n, --lines <n>', 'alerts already stored to print first', (v) => (v === '0' ? 0 : positiveInteger(v)), 10)
    .option('--interval <seconds>', 'seconds between polls', positiveNumber, 1)
    .option(
      '--lookback <age>',
      'how late an alert may be written after its event time and still be shown (e.g. 5m, 1h)',
      duration,
      300_000,
    )
    .addHelpText('after', EXAMPLES)
    .action((options: TailOptions) => tail(options, io));

  connectionOptions(alerts.command('show'))
    .description('every attribute of one alert, by id')
    .argument('<id>', 'alert id, as the last column of `coattail alerts list` shows it')
    .addOption(new Option('-f, --format <format>', 'output').choices(['table', 'json']).default('table'))
    .addHelpText('after', EXAMPLES)
    .action((id: string, options: ConnectionOptions & { format: 'table' | 'json' }) => show(id, options, io));
}
