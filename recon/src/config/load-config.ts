import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ReconConfigError, describeError } from '../errors.js';
import { reconConfigSchema, type ReconConfig, type ReconConfigInput } from './recon-config.js';

/**
 * Validates a config object, listing every issue at once.
 *
 * @param baseDir relative input and output paths are resolved against it (the config's folder).
 */
export function parseReconConfig(raw: unknown, baseDir = process.cwd()): ReconConfig {
  const parsed = reconConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ReconConfigError(`invalid reconciliation config:\n${z.prettifyError(parsed.error)}`, parsed.error);
  }
  const config = parsed.data;
  const abs = (p: string): string => (isAbsolute(p) || /^[a-z0-9]+:\/\//i.test(p) ? p : resolve(baseDir, p));
  const side = (input: ReconConfig['source']): ReconConfig['source'] => ({
    ...input,
    path: abs(input.path),
    ...(input.warehouse === undefined ? {} : { warehouse: abs(input.warehouse) }),
  });
  return {
    ...config,
    source: side(config.source),
    target: side(config.target),
    output: { ...config.output, dir: abs(config.output.dir) },
  };
}

/**
 * Reads a YAML or JSON config file (JSON is YAML) and validates it.
 *
 * @example
 * const config = await loadReconConfig('recon.yaml');
 */
export async function loadReconConfig(file: string): Promise<ReconConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ReconConfigError(`cannot read config file '${file}': ${describeError(error)}`, error);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ReconConfigError(`config file '${file}' is not valid YAML/JSON: ${describeError(error)}`, error);
  }
  return parseReconConfig(raw, dirname(resolve(file)));
}

/** Identity helper that type-checks a config literal in code and tests. */
export function defineReconConfig(config: ReconConfigInput): ReconConfigInput {
  return config;
}
