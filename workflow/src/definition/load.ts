import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { DefinitionError, type DefinitionIssue } from '../errors.js';
import type { StageRegistry } from '../stages/registry.js';
import { pipelineSchema, type PipelineDefinition } from './schema.js';
import { validateDefinition } from './validate.js';

/** A validated pipeline and where it came from. */
export interface LoadedPipeline {
  definition: PipelineDefinition;
  /** The definition file, or `<definition>` for one built in code. */
  source: string;
  /** Folder relative `file://` datasets resolve against. */
  baseDir: string;
}

/** Renders a document path as people read it: `stages[2].dependsOn[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function locate(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): { line: number; column: number } | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range) {
      const { line, col } = counter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}

function zodIssues(
  error: z.ZodError,
  where: (path: readonly PropertyKey[]) => Omit<DefinitionIssue, 'message' | 'path'>,
): DefinitionIssue[] {
  return error.issues.flatMap((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => {
      const path = key === undefined ? issue.path : [...issue.path, key];
      const message = key === undefined ? issue.message : `unknown field '${key}'`;
      return { ...where(path), path: formatPath(path), message };
    });
  });
}

/**
 * Parses and validates a definition given as text (YAML or JSON — JSON is read as YAML so both get
 * line and column numbers). Throws {@link DefinitionError} listing every issue with its position.
 */
export function parsePipeline(text: string, source: string, registry?: StageRegistry): PipelineDefinition {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new DefinitionError(
      doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return {
          file: source,
          line: pos.line,
          column: pos.col,
          path: '',
          message: e.message.split('\n')[0] ?? e.message,
        };
      }),
    );
  const where = (path: readonly PropertyKey[]) => ({ file: source, ...locate(doc, counter, path) });
  const parsed = pipelineSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new DefinitionError(zodIssues(parsed.error, where));
  const issues = validateDefinition(parsed.data, registry && ((n) => registry.has(n)), registry?.names());
  if (issues.length > 0)
    throw new DefinitionError(issues.map((i) => ({ ...where(i.path), path: formatPath(i.path), message: i.message })));
  return parsed.data;
}

/** Reads, parses and validates a pipeline file (`.yaml`, `.yml` or `.json`). */
export async function loadPipelineFile(file: string, registry?: StageRegistry): Promise<LoadedPipeline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DefinitionError([
      { file, path: '', message: `cannot read the pipeline file: ${(cause as Error).message}` },
    ]);
  }
  return { definition: parsePipeline(text, file, registry), source: file, baseDir: dirname(resolve(file)) };
}

/** Validates a definition built in code (see {@link PipelineBuilder}); issues name paths instead of lines. */
export function validatePipelineObject(
  input: unknown,
  registry?: StageRegistry,
  source = '<definition>',
): PipelineDefinition {
  const parsed = pipelineSchema.safeParse(input);
  if (!parsed.success) throw new DefinitionError(zodIssues(parsed.error, () => ({ file: source })));
  const issues = validateDefinition(parsed.data, registry && ((n) => registry.has(n)), registry?.names());
  if (issues.length > 0)
    throw new DefinitionError(issues.map((i) => ({ file: source, path: formatPath(i.path), message: i.message })));
  return parsed.data;
}
