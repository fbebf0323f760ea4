/**
 * A Dockerfile parser for the instructions our Dockerfiles use (FROM, WORKDIR, COPY, RUN, ENV,
 * USER, EXPOSE, STOPSIGNAL, HEALTHCHECK, CMD, ENTRYPOINT, ARG, LABEL). Anything else is an error
 * naming the line, so a Dockerfile cannot grow an instruction the local build silently skips.
 */

export type Instruction =
  | { op: 'FROM'; line: number; image: string; alias?: string }
  | { op: 'WORKDIR'; line: number; path: string }
  | { op: 'COPY'; line: number; from?: string; chown?: string; sources: string[]; dest: string }
  | { op: 'RUN'; line: number; command: string[] }
  | { op: 'ENV'; line: number; vars: Record<string, string> }
  | { op: 'USER'; line: number; user: string }
  | { op: 'EXPOSE'; line: number; ports: string[] }
  | { op: 'STOPSIGNAL'; line: number; signal: string }
  | { op: 'HEALTHCHECK'; line: number; command: string[] }
  | { op: 'CMD' | 'ENTRYPOINT'; line: number; command: string[] }
  | { op: 'ARG' | 'LABEL'; line: number; text: string };

export class DockerfileError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'DockerfileError';
  }
}

/** Joins continuation lines, drops comments and blank lines; keeps each instruction's first line number. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== undefined && trimmed.startsWith('#')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending =
      pending === undefined
        ? { line: i + 1, text: part }
        : { line: pending.line, text: `${pending.text} ${part}`.trim() };
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) out.push(pending);
  return out;
}

/** Exec form (`["a", "b"]`) as is; shell form as `sh -c <text>`, as Docker runs it. */
function commandOf(text: string, fail: (m: string) => never): string[] {
  if (!text.startsWith('[')) return ['/bin/sh', '-c', text];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`exec form is not a JSON array of strings: ${text}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((p): p is string => typeof p === 'string'))
    fail(`exec form must be an array of strings: ${text}`);
  return parsed;
}

function envVars(rest: string, fail: (m: string) => never): Record<string, string> {
  const vars: Record<string, string> = {};
  if (!rest.includes('=')) {
    const [key, ...value] = rest.split(/\s+/);
    if (key === undefined || value.length === 0) fail(`ENV needs key=value: ${rest}`);
    vars[key] = value.join(' ');
    return vars;
  }
  for (const m of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const value = m[2]!;
    vars[m[1]!] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return vars;
}

/** Parses a Dockerfile's text; `file` only names it in errors. */
export function parseDockerfile(text: string, file = 'Dockerfile'): Instruction[] {
  return logicalLines(text).map(({ line, text: l }) => {
    const fail = (m: string): never => {
      throw new DockerfileError(file, line, m);
    };
    const space = l.search(/\s/);
    const op = (space < 0 ? l : l.slice(0, space)).toUpperCase();
    const rest = space < 0 ? '' : l.slice(space).trim();
    switch (op) {
      case 'FROM': {
        const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? fail(`FROM <image> [AS <name>] expected: ${rest}`);
        return { op, line, image: m[1]!, ...(m[2] !== undefined ? { alias: m[2] } : {}) };
      }
      case 'WORKDIR':
        return { op, line, path: rest };
      case 'COPY': {
        const words = rest.split(/\s+/);
        const flags = words.filter((w) => w.startsWith('--'));
        const paths = words.filter((w) => !w.startsWith('--'));
        if (paths.length < 2) fail(`COPY needs a source and a destination: ${rest}`);
        const flag = (name: string): string | undefined =>
          flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
        const unknown = flags.find((f) => !/^--(from|chown)=/.test(f));
        if (unknown !== undefined) fail(`COPY flag ${unknown} is not supported by the local build`);
        const from = flag('from');
        const chown = flag('chown');
        return {
          op,
          line,
          sources: paths.slice(0, -1),
          dest: paths.at(-1)!,
          ...(from !== undefined ? { from } : {}),
          ...(chown !== undefined ? { chown } : {}),
        };
      }
      case 'RUN':
        return { op, line, command: commandOf(rest, fail) };
      case 'ENV':
        return { op, line, vars: envVars(rest, fail) };
      case 'USER':
        return { op, line, user: rest };
      case 'EXPOSE':
        return { op, line, ports: rest.split(/\s+/) };
      case 'STOPSIGNAL':
        return { op, line, signal: rest };
      case 'HEALTHCHECK': {
        const at = rest.search(/(^|\s)CMD\s/);
        if (at < 0) fail(`HEALTHCHECK needs CMD: ${rest}`);
        return { op, line, command: commandOf(rest.slice(at).trim().slice(3).trim(), fail) };
      }
      case 'CMD':
      case 'ENTRYPOINT':
        return { op, line, command: commandOf(rest, fail) };
      case 'ARG':
      case 'LABEL':
        return { op, line, text: rest };
      default:
        return fail(`instruction ${op} is not supported by the local build`);
    }
  });
}
