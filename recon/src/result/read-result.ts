import { readFile } from 'node:fs/promises';
import { listIssues } from '@coattail/runtime';
import type { z } from 'zod';
import { ReconResultFileError } from '../errors.js';
import { reconResultSchema } from './result-schema.js';
import { suiteResultSchema } from './suite-schema.js';
import type { SuiteResult } from './suite-types.js';
import type { ReconResult } from './types.js';

async function readStored<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ReconResultFileError(file, 'not JSON', cause);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ReconResultFileError(file, listIssues(parsed.error));
  return parsed.data;
}

/**
 * A reconciliation's stored result.json, or a {@link ReconResultFileError} naming the file and
 * what is wrong with it. A missing file fails as the file system says (ENOENT).
 */
export function readReconResult(file: string): Promise<ReconResult> {
  return readStored(file, reconResultSchema);
}

/** A multi-table run's stored suite.json; fails like {@link readReconResult}. */
export function readSuiteResult(file: string): Promise<SuiteResult> {
  return readStored(file, suiteResultSchema);
}
