import { RuntimeError, type ErrorDomain } from '@coattail/runtime';

/** Options of every workflow error: where it comes from, whether a retry may help, what caused it. */
export interface WorkflowErrorOptions {
  domain?: ErrorDomain;
  retryable?: boolean;
  cause?: unknown;
}

/** Base error of the workflow engine: the platform's error shape (code, domain, retryable, cause). */
export class WorkflowError extends RuntimeError {
  constructor(code: string, message: string, options: WorkflowErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Where in a definition file something is wrong: 1-based line and column, as editors count. */
export interface DefinitionIssue {
  /** The file the definition came from, or `<definition>` for one built in code. */
  file: string;
  line?: number;
  column?: number;
  /** Dotted path inside the definition, e.g. `stages[2].dependsOn[0]`. */
  path: string;
  message: string;
}

/** Renders an issue as `file:line:col: message (at path)`, the shape compilers and editors link. */
export function formatIssue(issue: DefinitionIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.message}${issue.path ? ` (at ${issue.path})` : ''}`;
}

/** A pipeline definition is invalid; every issue found is listed, each with its position. */
export class DefinitionError extends WorkflowError {
  readonly issues: readonly DefinitionIssue[];

  constructor(issues: readonly DefinitionIssue[]) {
    const lines = issues.map((i) => `  ${formatIssue(i)}`).join('\n');
    super('WORKFLOW_DEFINITION', `invalid pipeline definition (${issues.length} issue(s)):\n${lines}`, {
      domain: 'user',
    });
    this.issues = issues;
  }
}

/** Another orchestrator holds the pipeline and partition; the message names the holder. */
export class RunLockedError extends WorkflowError {
  constructor(pipeline: string, partition: string, holder: string) {
    super(
      'WORKFLOW_LOCKED',
      `pipeline '${pipeline}' partition '${partition}' is already being run by ${holder}; wait for it to finish or, if that process is gone, retry after its lease expires`,
      { domain: 'user', retryable: true },
    );
  }
}

/** A stage attempt ran longer than its `timeout`. Retryable: the next attempt may be faster. */
export class StageTimeoutError extends WorkflowError {
  constructor(stageId: string, timeoutMs: number) {
    super('WORKFLOW_STAGE_TIMEOUT', `stage '${stageId}' did not finish within its timeout of ${timeoutMs} ms`, {
      domain: 'external',
      retryable: true,
    });
  }
}

/** The run store cannot be read or written, or holds something we cannot parse. */
export class RunStoreError extends WorkflowError {
  constructor(message: string, options: WorkflowErrorOptions = {}) {
    super('WORKFLOW_RUN_STORE', message, { domain: 'external', ...options });
  }
}

/** A run, stage or option named by the user does not exist or does not fit; the message says what to do. */
export class WorkflowUsageError extends WorkflowError {
  constructor(message: string) {
    super('WORKFLOW_USAGE', message, { domain: 'user' });
  }
}
