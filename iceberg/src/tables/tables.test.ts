import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempCatalog } from '../../test/temp-catalog.js';
import { athenaDdlFiles, athenaIdentifier, athenaType } from './athena-ddl.js';
import { DEFAULT_WAREHOUSE_BUCKET, tableLocation } from './warehouse.js';
import { TABLES, tablePartitionSpec, tableSchema } from './definitions.js';

const ddlDir = fileURLToPath(new URL('../../../ddl/iceberg/', import.meta.url));

/** Reads what a DDL file declares, independently of the generator: columns and partitioning. */
function parseDdl(sql: string): {
  table: string;
  columns: [string, string][];
  partitionedBy: string;
  tableType: string | undefined;
} {
  const unquote = (name: string): string => name.replace(/^`(.*)`$/, '$1').replace(/``/g, '`');
  const table = (/CREATE TABLE IF NOT EXISTS (\S+) \(/.exec(sql)?.[1] ?? '').split('.').map(unquote).join('.');
  const body = sql.slice(sql.indexOf('(') + 1, sql.indexOf('\n)'));
  const columns = body.split(',\n').map((line) => {
    const [name, type] = line.trim().split(/\s+/);
    return [unquote(name!), type!] as [string, string];
  });
  return {
    table,
    columns,
    partitionedBy: (/PARTITIONED BY \((.*)\)/.exec(sql)?.[1] ?? '').replace(/`/g, ''),
    tableType: /'table_type'='(\w+)'/.exec(sql)?.[1],
  };
}

describe('table definitions and Athena DDL', () => {
  it('has one committed DDL file per table, identical to what the definitions generate', async () => {
    const expected = athenaDdlFiles();
    expect((await readdir(ddlDir)).filter((f) => f.endsWith('.sql')).sort()).toEqual(Object.keys(expected).sort());
    for (const [file, sql] of Object.entries(expected)) {
      expect(await readFile(`${ddlDir}${file}`, 'utf8'), `${file} is stale: run npm run ddl -w @coattail/iceberg`).toBe(
        sql,
      );
    }
  });

  it('declares in each DDL file the columns, types and partitioning of the code', async () => {
    for (const def of Object.values(TABLES)) {
      const parsed = parseDdl(await readFile(`${ddlDir}${def.name}.sql`, 'utf8'));
      const schema = tableSchema(def);
      expect(parsed.table).toBe(`${def.namespace}.${def.name}`);
      expect(parsed.tableType).toBe('ICEBERG');
      expect(parsed.columns).toEqual(schema.fields.map((f) => [f.name, athenaType(f.type)]));
      const spec = tablePartitionSpec(def);
      const source = (id: number): string => schema.fields.find((f) => f.id === id)!.name;
      expect(parsed.partitionedBy).toBe(
        spec.fields
          .map((f) =>
            f.transform === 'identity' ? source(f['source-id']) : `${f.transform}(${source(f['source-id'])})`,
          )
          .join(', '),
      );
    }
  });

  it('quotes every name in backticks, so reserved words such as exchange parse in Athena', async () => {
    const sql = await readFile(`${ddlDir}raw_trades.sql`, 'utf8');
    expect(sql).toContain('  `exchange`     string');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS `coattail`.`raw_trades` (');
    expect(sql).toContain('PARTITIONED BY (day(`event_time`), `symbol`)');
    expect(athenaIdentifier('we`ird')).toBe('`we``ird`');
  });

  it('locates every table in the bucket the jobs write, where the writer puts it', async () => {
    for (const def of Object.values(TABLES)) {
      const sql = await readFile(`${ddlDir}${def.name}.sql`, 'utf8');
      expect(sql).toContain(`LOCATION '${tableLocation(def, DEFAULT_WAREHOUSE_BUCKET)}'`);
      expect(sql).toContain(`LOCATION 's3://coattail-warehouse/warehouse/coattail/${def.name}'`);
    }
  });

  describe('as real tables', () => {
    let env: Awaited<ReturnType<typeof tempCatalog>>;
    beforeEach(async () => {
      env = await tempCatalog();
    });
    afterEach(async () => env.cleanup());

    it('can create every table and write a row to it', async () => {
      for (const def of Object.values(TABLES)) {
        const table = await env.catalog.createTable(`${def.namespace}.${def.name}`, {
          schema: tableSchema(def),
          spec: tablePartitionSpec(def),
        });
        const row = Object.fromEntries(
          def.columns.map((c) => [
            c.name,
            c.type === 'timestamp'
              ? new Date(Date.UTC(2026, 10, 21, 12))
              : c.type === 'double'
                ? 1.5
                : c.type === 'long'
                  ? 1n
                  : c.type === 'boolean'
                    ? true
                    : c.name === 'symbol'
                      ? 'BTC-USDT'
                      : 'x',
          ]),
        );
        await table.append([row]);
        const [file] = await table.scan().planFiles();
        expect(file!.file.filePath).toContain('_day=2026-11-21/symbol=BTC-USDT/');
      }
      expect((await env.catalog.listTables('coattail')).map((t) => t.name).sort()).toEqual(Object.keys(TABLES).sort());
    });
  });
});
