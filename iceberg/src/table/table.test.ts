import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDuckDB } from '../data/duckdb.js';
import { quoteLiteral } from '../data/duckdb-types.js';
import { readManifest } from '../manifest/manifest.js';
import { readManifestList } from '../manifest/manifest-list.js';
import { parseTableMetadata } from '../metadata/table-metadata.js';
import { BASE_US, tempCatalog, tradeSchema, trades, tradeSpec } from '../../test/temp-catalog.js';
import type { IcebergCatalog } from '../catalog/catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
let catalog: IcebergCatalog;
beforeEach(async () => {
  env = await tempCatalog();
  catalog = env.catalog;
});
afterEach(async () => env.cleanup());

const byId = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  Number((a.trade_id as bigint) - (b.trade_id as bigint));

describe('Table append and scan', () => {
  it('reads back exactly what was written: nulls, unicode, microsecond timestamps, doubles', async () => {
    const table = await catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    const input = trades(500);
    const result = await table.append(input);
    expect(result).toMatchObject({ status: 'committed', addedRecords: 500, addedFiles: 9 });
    const rows = await (await catalog.loadTable('market.trades')).scan().toRows();
    expect(rows.sort(byId)).toEqual(input);
  });

  it('writes Parquet files whose columns carry the Iceberg field ids, zstd-compressed', async () => {
    const table = await catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(30));
    const [task] = await table.scan().planFiles();
    const path = await env.catalog.io.localPath(task!.file.filePath);
    const schema = await withDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT name, field_id FROM parquet_schema(${quoteLiteral(path)}) WHERE field_id IS NOT NULL`,
        )
      ).getRowObjects(),
    );
    expect(schema.map((r) => [r.name, Number(r.field_id)])).toEqual(tradeSchema.fields.map((f) => [f.name, f.id]));
    const codecs = await withDuckDB(async (c) =>
      (
        await c.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${quoteLiteral(path)})`)
      ).getRowObjects(),
    );
    expect(codecs.map((r) => r.compression)).toEqual(['ZSTD']);
    expect(task!.file.filePath).toMatch(/\/data\/event_time_day=2026-11-0\d\/symbol=[A-Z]+USDT\/[^/]+\.parquet$/);
  });

  it('records per-column counts and bounds that match the rows of each file', async () => {
    const table = await catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(90));
    const manifests = await readManifestList(await env.catalog.io.read(table.currentSnapshot()!['manifest-list']!));
    const manifest = await readManifest(await env.catalog.io.read(manifests[0]!.manifestPath));
    for (const entry of manifest.entries) {
      const f = entry.dataFile;
      expect(f.valueCounts.get(1)).toBe(f.recordCount);
      expect(f.nullValueCounts.get(2)).toBe(0);
      expect(f.lowerBounds.get(2)).toBeDefined();
      expect(f.splitOffsets?.[0]).toBe(4);
    }
    expect(manifests[0]).toMatchObject({
      addedFilesCount: 9,
      addedRowsCount: 90,
      sequenceNumber: 1,
      minSequenceNumber: 1,
    });
  });

  it('writes metadata that has every field the spec requires of v2 and a summary with totals', async () => {
    const table = await catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(20));
    await table.append(trades(10, 3, 20), { summary: { 'coattail.source': 'test' } });
    const text = await readFile(fileURLToPath(table.metadataLocation), 'utf8');
    const json = JSON.parse(text) as Record<string, unknown>;
    for (const key of [
      'format-version',
      'table-uuid',
      'location',
      'last-sequence-number',
      'last-updated-ms',
      'last-column-id',
      'schemas',
      'current-schema-id',
      'partition-specs',
      'default-spec-id',
      'last-partition-id',
      'sort-orders',
      'default-sort-order-id',
      'snapshots',
      'snapshot-log',
      'metadata-log',
      'refs',
      'current-snapshot-id',
    ]) {
      expect(json, key).toHaveProperty([key]);
    }
    const m = parseTableMetadata(text);
    expect(m['format-version']).toBe(2);
    expect(m['last-sequence-number']).toBe(2);
    expect(m['metadata-log']).toHaveLength(2);
    expect(m.refs.main?.['snapshot-id']).toBe(m['current-snapshot-id']);
    expect(m.snapshots[1]!.summary).toMatchObject({
      operation: 'append',
      'added-records': '10',
      'total-records': '30',
      'total-data-files': String(Number(m.snapshots[1]!.summary['total-data-files'])),
      'coattail.source': 'test',
    });
    expect(m.snapshots[1]!['parent-snapshot-id']).toBe(m.snapshots[0]!['snapshot-id']);
    expect(table.metadataLocation).toMatch(/\/metadata\/00002-[0-9a-f-]+\.metadata\.json$/);
  });

  it('prunes files by partition and by column bounds, and filters rows exactly', async () => {
    const table = await catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(300, 3));
    const dayStart = BASE_US + 86_400_000_000n;
    const scan = table.scan({
      filter: [
        { column: 'event_time', op: '>=', value: dayStart },
        { column: 'event_time', op: '<', value: dayStart + 86_400_000_000n },
        { column: 'symbol', op: '=', value: 'ETHUSDT' },
      ],
    });
    const rows = await scan.toRows();
    expect(scan.stats).toMatchObject({ filesTotal: 9, filesPlanned: 1 });
    expect(rows.length).toBe(
      trades(300, 3).filter(
        (r) =>
          r.symbol === 'ETHUSDT' &&
          (r.event_time as bigint) >= dayStart &&
          (r.event_time as bigint) < dayStart + 86_400_000_000n,
      ).length,
    );
    const byBounds = table.scan({ filter: [{ column: 'trade_id', op: '>', value: 10_000 }] });
    expect(await byBounds.toRows()).toEqual([]);
    expect(byBounds.stats.filesPlanned).toBe(0);
  });

  it('rolls a partition over into several files past the target size', async () => {
    const table = await catalog.createTable('market.trades', { schema: tradeSchema });
    const files = await table.writeDataFiles(trades(1000), { targetFileSizeBytes: 1000, bytesPerRowHint: 10 });
    expect(files).toHaveLength(10);
    expect(files.every((f) => f.recordCount === 100)).toBe(true);
    await table.commitAppend(files);
    expect(await table.scan().toRows()).toHaveLength(1000);
  });

  it('leaves the table unchanged when a writer dies between writing files and committing', async () => {
    const table = await catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(10));
    const before = table.metadataLocation;
    const orphans = await table.writeDataFiles(trades(10, 3, 10)); // ... and the process crashes here
    const reloaded = await catalog.loadTable('market.trades');
    expect(reloaded.metadataLocation).toBe(before);
    expect(await reloaded.scan().toRows()).toHaveLength(10);
    expect(orphans.length).toBeGreaterThan(0);
  });
});
