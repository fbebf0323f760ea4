import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Our own sample frames in the exchanges' documented shapes (`producer/test/fixtures/`, always present). */
export const SAMPLE_DIR = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/** Every line of one of our own JSONL sample files, as text. */
export function sampleLines(name: string): string[] {
  return readFileSync(`${SAMPLE_DIR}${name}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
}
