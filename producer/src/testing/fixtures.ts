import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared exchange fixtures (third-party message shapes), beside the repository. */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../../shared/fixtures/exchange/', import.meta.url));

/** Whether the shared fixtures are present (they live outside the repository). */
export const fixturesPresent = existsSync(FIXTURE_DIR);

/** Every line of a JSONL fixture, as text. */
export function fixtureLines(name: string): string[] {
  return readFileSync(`${FIXTURE_DIR}${name}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
}

/** Our own sample frames in the exchanges' documented shapes (`producer/test/fixtures/`, always present). */
export const SAMPLE_DIR = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/** Every line of one of our own JSONL sample files, as text. */
export function sampleLines(name: string): string[] {
  return readFileSync(`${SAMPLE_DIR}${name}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
}
