/** Timing, memory and formatting helpers shared by the benchmark scripts. */
import { availableParallelism, cpus, totalmem } from 'node:os';

export interface Timed<T> {
  value: T;
  wallMs: number;
  /** CPU time of the whole process (user + system, every thread: GC helpers included). */
  cpuMs: number;
}

export async function timed<T>(fn: () => T | Promise<T>): Promise<Timed<T>> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Runs a full GC when node was started with --expose-gc; a no-op otherwise. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g !== undefined) {
    g();
    g();
  }
}

export function heapUsedAfterGc(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got '${raw}'`);
  return Math.floor(n);
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} K/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function machineInfo(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `node ${process.version}, ${availableParallelism()} cores (${cpu}), ${mb(totalmem())} RAM, ${process.platform}/${process.arch}`;
}

/** A markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
