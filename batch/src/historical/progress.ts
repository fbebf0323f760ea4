/** What a load reports as it goes. */
export interface LoadProgress {
  symbol: string;
  rows: number;
  requests: number;
  /** Milliseconds of the planned ranges done / total, for the percentage and ETA. */
  doneMs: number;
  totalMs: number;
  startedAt: number;
}

/** Receives progress; `finish` once per symbol. */
export interface ProgressReporter {
  update(p: LoadProgress): void;
  finish(p: LoadProgress): void;
}

interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
}

const fmtDuration = (ms: number): string => {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function figures(p: LoadProgress, now: number): { pct: number; rate: number; etaMs: number } {
  const pct = p.totalMs > 0 ? Math.min(1, p.doneMs / p.totalMs) : 1;
  const elapsed = Math.max(1, now - p.startedAt);
  return {
    pct,
    rate: (p.rows * 1000) / elapsed,
    etaMs: pct > 0 ? (elapsed * (1 - pct)) / pct : Number.POSITIVE_INFINITY,
  };
}

/**
 * A progress bar with rate and ETA redrawn in place on a terminal (at most every 200 ms), or
 * plain `progress …` lines every `intervalMs` when the output is a file or a pipe.
 *
 * @example
 * const progress = progressReporter(process.stderr);
 */
export function progressReporter(
  out: Out,
  options: { tty?: boolean; intervalMs?: number; now?: () => number } = {},
): ProgressReporter {
  const tty = options.tty ?? out.isTTY === true;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? (tty ? 200 : 5000);
  let last = 0;
  const line = (p: LoadProgress): string => {
    const f = figures(p, now());
    if (!tty)
      return `progress symbol=${p.symbol} pct=${(f.pct * 100).toFixed(1)} rows=${p.rows} requests=${p.requests} rate=${Math.round(f.rate)}/s eta=${fmtDuration(f.etaMs)}\n`;
    const width = 24;
    const filled = Math.round(f.pct * width);
    return `\r${p.symbol} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(f.pct * 100).toFixed(1).padStart(5)}% ${p.rows.toLocaleString('en-US')} rows ${Math.round(f.rate).toLocaleString('en-US')} rows/s ETA ${fmtDuration(f.etaMs)}  `;
  };
  return {
    update(p) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      out.write(line(p));
    },
    finish(p) {
      last = 0;
      out.write(tty ? `${line({ ...p, doneMs: p.totalMs })}\n` : line({ ...p, doneMs: p.totalMs }));
    },
  };
}

/** A reporter that prints nothing. */
export const silentProgress: ProgressReporter = { update: () => undefined, finish: () => undefined };
