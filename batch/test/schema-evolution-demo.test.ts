import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSchemaEvolutionDemo } from '../src/schema-evolution/index.js';
import { tempCatalog } from './historical-helpers.js';

const run = promisify(execFile);
const CLI = new URL('../../cli/bin/coattail.js', import.meta.url).pathname;

describe('schema-evolution-demo', () => {
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  beforeEach(async () => {
    env = await tempCatalog();
  });
  afterEach(() => env.cleanup());

  it('adds a column without rewriting a Parquet file: old rows read NULL, new rows fill it, old snapshots still read', async () => {
    const r = await runSchemaEvolutionDemo({ catalog: env.catalog, table: 'demo.trades' });
    expect(r.schemaIdAfter).toBe(r.schemaIdBefore + 1);
    const table = await env.catalog.loadTable('demo.trades');
    expect(table.schema().fields.map((f) => f.name)).toContain('venue');
    // Claim: rows written before the change read NULL in the new column.
    expect(r.oldRows).toHaveLength(3);
    expect(r.oldRows.every((row) => row.venue === null)).toBe(true);
    // Claim: rows appended after it carry the value.
    expect(r.newRows.map((row) => row.venue)).toEqual(['spot', 'spot']);
    // Claim: the schema change wrote no data file, and no earlier file changed afterwards.
    expect(r.filesAfterSchemaChange).toEqual(r.filesBefore);
    for (const before of r.filesBefore) expect(r.filesAfterAppend).toContainEqual(before);
    expect(r.filesAfterAppend.length).toBeGreaterThan(r.filesBefore.length);
    // Claim: time travel to the first snapshot still works.
    expect(r.firstSnapshotRows).toBe(3);
    expect(r.walkthrough.at(-1)).toBe(
      'No Parquet file was rewritten: adding a column is a new schema in the table metadata, matched to old files by field id.',
    );
  });

  it('prints the walkthrough from the CLI', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        CLI,
        'batch',
        'schema-evolution-demo',
        '--state-dir',
        env.dir,
        '--warehouse',
        join(env.dir, 'objects'),
        '--table',
        'demo.cli',
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    expect(stdout).toContain("3. Added the optional column 'venue'");
    expect(stdout).toContain('4. The 3 earlier rows read venue = null, null, null');
    expect(stdout).toContain('Every earlier file is still there with the same bytes: yes');
  });
});
