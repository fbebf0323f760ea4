import { Option, type Command } from 'commander';
import type { MaintenanceOptions, MaintenanceProgress, MaintenanceReport, Table } from '@coattail/iceberg';
import { duration, positiveInteger, positiveNumber } from '../options.js';

interface MaintainOptions {
  dryRun?: boolean;
  compact: boolean;
  expire: boolean;
  orphans: boolean;
  expireOlderThan: number;
  retainLast: number;
  orphanOlderThan: number;
  targetFileSizeMb?: number;
  minInputFiles: number;
}

const DAY_MS = 86_400_000;
/**
 * Shorter margins can delete the files of a commit in flight (a streaming job writes its Parquet
 * at a checkpoint and commits once the checkpoint is durable); Iceberg's own procedure refuses
 * less than a day for the same reason.
 */
const MIN_ORPHAN_AGE_MS = DAY_MS;

const EXAMPLES = `
Steps, in this order (each can be turned off):
  compact   rewrite a partition's small files into target-size files (one replace snapshot)
  expire    drop snapshots older than --expire-older-than, keeping the newest --retain-last of
            the current history, and delete the files only they used (time travel to them ends)
  orphans   delete files under the table location that no metadata references and that are
            older than --orphan-older-than (left by writers killed before their commit)

Examples:
  $ coattail iceberg maintain raw_trades --dry-run
  $ coattail iceberg maintain coattail.raw_trades --expire-older-than 7d --retain-last 50
  $ coattail iceberg maintain whale_alerts --no-compact --orphan-older-than 5d
  Scheduled nightly (cron): 15 3 * * * coattail iceberg maintain raw_trades >> maintain.log 2>&1
`;

function toLibraryOptions(o: MaintainOptions): MaintenanceOptions {
  return {
    dryRun: o.dryRun ?? false,
    compact: o.compact
      ? {
          minInputFiles: o.minInputFiles,
          ...(o.targetFileSizeMb !== undefined
            ? { targetFileSizeBytes: Math.round(o.targetFileSizeMb * 1024 * 1024) }
            : {}),
        }
      : false,
    expire: o.expire ? { maxSnapshotAgeMs: o.expireOlderThan, retainLast: o.retainLast } : false,
    orphans: o.orphans ? { minAgeMs: o.orphanOlderThan } : false,
  };
}

function printReport(report: MaintenanceReport): void {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  for (const c of report.compaction?.candidates ?? [])
    console.log(
      `  ${report.dryRun ? 'would compact' : 'compacted'} ${c.files} files (${c.bytes} bytes) of partition ${JSON.stringify(c.partition, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
  for (const s of report.expiry?.snapshots ?? [])
    console.log(
      `  ${report.dryRun ? 'would expire' : 'expired'} snapshot ${s.id} (${s.timestampMs === undefined ? 'time unknown' : new Date(s.timestampMs).toISOString()})`,
    );
  for (const f of report.expiry?.files ?? []) console.log(`  ${verb} ${f} (used only by expired snapshots)`);
  for (const f of report.orphans?.files ?? []) console.log(`  ${verb} ${f} (orphan)`);
}

/** `coattail iceberg maintain <table>`: compaction, snapshot expiry and orphan clean-up, runnable from a scheduler. */
export function registerMaintain(iceberg: Command, open: (name: string) => Promise<Table>): void {
  iceberg
    .command('maintain <table>')
    .description('compact small files, expire old snapshots and delete orphan files of a table')
    .option('--dry-run', 'list what would be compacted, expired and deleted; change nothing')
    .addOption(
      new Option('--expire-older-than <age>', 'snapshots older than this may expire (s, m, h, d, w)')
        .argParser(duration)
        .default(5 * DAY_MS, '5d'),
    )
    .option(
      '--retain-last <n>',
      'always keep this many newest snapshots of the current history (the current one included)',
      positiveInteger,
      1,
    )
    .addOption(
      new Option('--orphan-older-than <age>', 'delete unreferenced files only when older than this, at least 24h')
        .argParser(duration)
        .default(3 * DAY_MS, '3d'),
    )
    .option('--target-file-size-mb <mb>', 'size of compacted files (default: table property, else 128)', positiveNumber)
    .option('--min-input-files <n>', 'compact a partition only with at least this many small files', positiveInteger, 2)
    .option('--no-compact', 'skip compaction')
    .option('--no-expire', 'skip snapshot expiry')
    .option('--no-orphans', 'skip orphan file removal')
    .addHelpText('after', EXAMPLES)
    .action(async (name: string, options: MaintainOptions) => {
      if (options.orphans && options.orphanOlderThan < MIN_ORPHAN_AGE_MS)
        throw new Error(
          `--orphan-older-than must be at least 24h: a younger unreferenced file may belong to a commit still in flight (got ${options.orphanOlderThan / 3_600_000}h)`,
        );
      if (options.retainLast < 1)
        throw new Error('--retain-last must be at least 1: the current snapshot always stays');
      const table = await open(name);
      const started = new Map<string, number>();
      const onProgress = (e: MaintenanceProgress): void => {
        if (e.phase === 'start') {
          started.set(e.step, Date.now());
          console.log(`${e.step}: running…`);
        } else console.log(`${e.step}: ${e.summary} (${Date.now() - (started.get(e.step) ?? Date.now())} ms)`);
      };
      const { maintainTable } = await import('@coattail/iceberg');
      const report = await maintainTable(table, { ...toLibraryOptions(options), onProgress });
      printReport(report);
      if (report.dryRun) console.log('dry run: nothing was changed');
    });
}
