import { FileQualityConfigError } from '../errors.js';

/** What a key says about the file it holds. */
export interface KeyInfo {
  readonly agencySlug: string;
  readonly fileName: string;
  /** `YYYY-MM-DD` from the key, when the pattern has one. */
  readonly date?: string;
  /** 0–23 from the key, when the pattern has one. */
  readonly hour?: number;
  readonly agencyId?: number;
}

/** The default layout: `agency/{agency_slug}/files/{file_name}/{date}/{hour}/{*}`. */
export const DEFAULT_KEY_PATTERN = 'agency/{agency_slug}/files/{file_name}/{date}/{hour}/{*}';

const PLACEHOLDERS: Record<string, string> = {
  agency_slug: '(?<agency_slug>[^/]+)',
  file_name: '(?<file_name>[^/]+)',
  agency_id: '(?<agency_id>\\d+)',
  date: '(?<date>\\d{4}-\\d{2}-\\d{2})',
  year: '(?<year>\\d{4})',
  month: '(?<month>\\d{2})',
  day: '(?<day>\\d{2})',
  hour: '(?<hour>\\d{1,2})',
  '*': '.*',
  segment: '[^/]+',
};

/** A compiled key pattern. */
export interface KeyPattern {
  readonly source: string;
  match(key: string): KeyInfo | undefined;
}

/**
 * Compiles a key pattern: literal text with placeholders `{agency_slug}` and `{file_name}`
 * (required), `{date}` (YYYY-MM-DD) or `{year}/{month}/{day}`, `{hour}`, `{agency_id}`,
 * `{segment}` (any one path segment) and `{*}` (anything, slashes included).
 *
 * @example
 * compileKeyPattern('uploads/{agency_slug}/{file_name}/dt={date}/hour={hour}/{*}')
 */
export function compileKeyPattern(source: string): KeyPattern {
  let regex = '';
  let last = 0;
  const names = new Set<string>();
  for (const m of source.matchAll(/\{([^}]+)\}/g)) {
    const name = m[1] as string;
    const piece = PLACEHOLDERS[name];
    if (piece === undefined)
      throw new FileQualityConfigError(
        `key pattern '${source}': unknown placeholder {${name}}; known: ${Object.keys(PLACEHOLDERS)
          .map((p) => `{${p}}`)
          .join(', ')}`,
      );
    if (names.has(name) && name !== '*' && name !== 'segment')
      throw new FileQualityConfigError(`key pattern '${source}': {${name}} appears twice`);
    names.add(name);
    regex += escape(source.slice(last, m.index)) + piece;
    last = m.index + m[0].length;
  }
  regex += escape(source.slice(last));
  if (!names.has('agency_slug') || !names.has('file_name'))
    throw new FileQualityConfigError(`key pattern '${source}' needs {agency_slug} and {file_name}`);
  const compiled = new RegExp(`^${regex}$`);
  return {
    source,
    match(key) {
      const groups = compiled.exec(key)?.groups;
      if (groups === undefined) return undefined;
      const date =
        groups.date ??
        (groups.year !== undefined && groups.month !== undefined && groups.day !== undefined
          ? `${groups.year}-${groups.month}-${groups.day}`
          : undefined);
      if (date !== undefined && !validDate(date)) return undefined;
      const hour = groups.hour === undefined ? undefined : Number(groups.hour);
      if (hour !== undefined && hour > 23) return undefined;
      return {
        agencySlug: groups.agency_slug as string,
        fileName: groups.file_name as string,
        ...(date === undefined ? {} : { date }),
        ...(hour === undefined ? {} : { hour }),
        ...(groups.agency_id === undefined ? {} : { agencyId: Number(groups.agency_id) }),
      };
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function validDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

/** Tries patterns in order; the first match wins. */
export function matchKey(patterns: readonly KeyPattern[], key: string): KeyInfo | undefined {
  for (const pattern of patterns) {
    const info = pattern.match(key);
    if (info !== undefined) return info;
  }
  return undefined;
}
