import type { CsvInputConfig } from '../config/csv-input-config.js';
import { quoteLiteral } from '../sql/quote.js';

/**
 * The `read_csv` call of a CSV input with the side's options; with `declared` false the declared
 * column types are left out, so DuckDB's sniffer says what it would infer.
 */
export function csvRelationSql(location: string, csv: CsvInputConfig, declared: boolean): string {
  const options = [`header = ${csv.header ? 'true' : 'false'}`, `delim = ${quoteLiteral(csv.delimiter)}`];
  if (csv.quote !== undefined) options.push(`quote = ${quoteLiteral(csv.quote)}`);
  if (csv.nullStrings !== undefined) options.push(`nullstr = [${csv.nullStrings.map(quoteLiteral).join(', ')}]`);
  if (csv.dateFormat !== undefined) options.push(`dateformat = ${quoteLiteral(csv.dateFormat)}`);
  if (csv.timestampFormat !== undefined) options.push(`timestampformat = ${quoteLiteral(csv.timestampFormat)}`);
  const types = Object.entries(csv.columns);
  if (declared && types.length > 0)
    options.push(`types = {${types.map(([c, t]) => `${quoteLiteral(c)}: ${quoteLiteral(t)}`).join(', ')}}`);
  return `read_csv(${quoteLiteral(location)}, ${options.join(', ')}, union_by_name = true)`;
}
