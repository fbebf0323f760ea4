import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBDataChunk, INTEGER, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { IcebergError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import type { NestedField } from '../schema/types.js';
import type { IcebergValue } from '../spec/values.js';
import { duckDBConverter, duckdbType, quoteIdent, quoteLiteral } from './duckdb-types.js';

/** One Parquet file to write: its URI and the row indices (into the column arrays) it holds. */
export interface ParquetFileRequest {
  uri: string;
  rows: readonly number[];
}

/** What the writer learned about a written file. */
export interface WrittenParquetFile {
  uri: string;
  fileSizeInBytes: number;
  columnSizes: Map<number, number>;
  splitOffsets: number[];
}

/** Parquet options. */
export interface ParquetOptions {
  /** @default 'zstd' */
  compression?: 'zstd' | 'snappy' | 'gzip' | 'uncompressed';
  /** Rows per row group. @default 122880 (DuckDB's default) */
  rowGroupSize?: number;
}

const VECTOR_SIZE = 2048;

/**
 * Writes Parquet files with DuckDB: rows go into a temp table through the appender (2048-row
 * chunks), then `COPY ... (FIELD_IDS {...})` writes each file with the Iceberg field id on every
 * column, which is what lets readers resolve columns by id after renames. Chosen over parquet-wasm
 * because DuckDB writes field ids, zstd and statistics natively and is already our reader
 * (parquet-wasm needs an Arrow table with field-id metadata and was not measured here).
 */
export async function writeParquetFiles(
  connection: DuckDBConnection,
  io: FileIO,
  fields: readonly NestedField[],
  columns: readonly (readonly (IcebergValue | null)[])[],
  files: readonly ParquetFileRequest[],
  options: ParquetOptions = {},
): Promise<WrittenParquetFile[]> {
  const table = `w_${randomUUID().replace(/-/g, '')}`;
  const colDefs = fields.map((f) => `${quoteIdent(f.name)} ${duckdbType(f.type)}`).join(', ');
  await connection.run(`CREATE TABLE ${table} (${colDefs}, "__file" INTEGER)`);
  const dir = await mkdtemp(join(tmpdir(), 'coattail-parquet-'));
  try {
    const appender = await connection.createAppender(table);
    const types: DuckDBType[] = [...fields.map((_, c) => appender.columnType(c)), INTEGER];
    // Converters are picked per column once; the hot loop below only gathers (and, for
    // timestamps, decimals and the like, wraps) values.
    const converters = fields.map((f) => duckDBConverter(f.type));
    for (const [fileIndex, file] of files.entries()) {
      for (let start = 0; start < file.rows.length; start += VECTOR_SIZE) {
        const size = Math.min(VECTOR_SIZE, file.rows.length - start);
        const chunk = DuckDBDataChunk.create(types, size);
        const chunkColumns: DuckDBValue[][] = columns.map((column, c) => {
          const convert = converters[c];
          const out = new Array<DuckDBValue>(size);
          for (let i = 0; i < size; i++) {
            const v = column[file.rows[start + i]!] ?? null;
            out[i] = v === null ? null : convert ? convert(v) : (v as DuckDBValue);
          }
          return out;
        });
        chunkColumns.push(new Array<DuckDBValue>(size).fill(fileIndex));
        chunk.setColumns(chunkColumns);
        appender.appendDataChunk(chunk);
      }
    }
    appender.flushSync();
    appender.closeSync();

    const fieldIds = fields.map((f) => `${quoteLiteral(f.name)}: ${f.id}`).join(', ');
    const compression = options.compression ?? 'zstd';
    const rowGroupSize = options.rowGroupSize ?? 122_880;
    // One COPY for all files: PARTITION_BY the file index writes each file in a single pass
    // (about 3x faster than one filtered COPY per file when a batch spans many partitions).
    const out = join(dir, 'out');
    await connection.run(
      `COPY ${table} TO ${quoteLiteral(out)} (FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE ${rowGroupSize}, ` +
        `PARTITION_BY ("__file"), FIELD_IDS {${fieldIds}})`,
    );
    const meta = await connection.runAndReadAll(
      `SELECT file_name, row_group_id, column_id, total_compressed_size, data_page_offset, dictionary_page_offset FROM parquet_metadata(${quoteLiteral(join(out, '*', '*.parquet'))})`,
    );
    const byFile = new Map<string, Record<string, unknown>[]>();
    for (const row of meta.getRowObjects()) {
      const name = String(row.file_name);
      byFile.set(name, [...(byFile.get(name) ?? []), row]);
    }
    const written: WrittenParquetFile[] = [];
    for (const [fileIndex, file] of files.entries()) {
      const partDir = join(out, `__file=${fileIndex}`);
      const names = await readdir(partDir);
      if (names.length !== 1)
        throw new IcebergError(
          'PARQUET_WRITE',
          `DuckDB wrote ${names.length} files for one data file (expected 1) in ${partDir}`,
        );
      const path = join(partDir, names[0]!);
      const columnSizes = new Map<number, number>();
      const groupStarts = new Map<number, number>();
      for (const row of byFile.get(path) ?? []) {
        const field = fields[Number(row.column_id)];
        if (field) columnSizes.set(field.id, (columnSizes.get(field.id) ?? 0) + Number(row.total_compressed_size));
        const offset = Math.min(
          ...[row.dictionary_page_offset, row.data_page_offset]
            .filter((o) => o !== null && o !== undefined)
            .map(Number),
        );
        const group = Number(row.row_group_id);
        groupStarts.set(group, Math.min(groupStarts.get(group) ?? Infinity, offset));
      }
      const bytes = await readFile(path);
      await io.write(file.uri, bytes);
      written.push({
        uri: file.uri,
        fileSizeInBytes: bytes.byteLength,
        columnSizes,
        splitOffsets: [...groupStarts.values()].sort((a, b) => a - b),
      });
    }
    return written;
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
    await rm(dir, { recursive: true, force: true });
  }
}
