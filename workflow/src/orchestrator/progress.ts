import type { RunListener } from './events.js';

/**
 * Progress output for people watching a run: one line per stage start, retry, progress report and
 * end, with elapsed time. Written to a stream (stderr by the CLI) so stdout stays for results.
 */
export function progressPrinter(out: { write(text: string): unknown }, clock: () => number = Date.now): RunListener {
  const started = new Map<string, number>();
  const stamp = (): string => new Date(clock()).toISOString().slice(11, 19);
  return (e) => {
    switch (e.type) {
      case 'run-start':
        started.set(e.run.runId, clock());
        out.write(
          `${stamp()} ${e.attach ? 'continuing' : e.resumed ? 'resuming' : 'starting'} ${e.run.pipeline} run ${e.run.runId}${e.run.partition === '*' ? '' : ` partition ${e.run.partition}`} (${Object.keys(e.run.stages).length} stages)\n`,
        );
        return;
      case 'stage-start':
        started.set(`${e.run.runId}/${e.stage.id}`, clock());
        out.write(`${stamp()}   > ${e.stage.id} (${e.stage.type})${e.attempt > 1 ? ` attempt ${e.attempt}` : ''}\n`);
        return;
      case 'stage-progress':
        out.write(
          `${stamp()}     ${e.stage.id}: ${e.message}${e.fraction === undefined ? '' : ` ${Math.round(e.fraction * 100)}%`}\n`,
        );
        return;
      case 'stage-retry':
        out.write(
          `${stamp()}   ! ${e.stage.id} attempt ${e.attempt} failed (${e.error}); retrying in ${(e.delayMs / 1000).toFixed(1)} s\n`,
        );
        return;
      case 'stage-end': {
        const t0 = started.get(`${e.run.runId}/${e.stage.id}`);
        const took = t0 === undefined ? '' : ` in ${((clock() - t0) / 1000).toFixed(1)} s`;
        const detail = [e.result?.summary, e.reason].filter((s) => s !== undefined && s !== '').join(' — ');
        out.write(
          `${stamp()}   ${e.status === 'SUCCEEDED' ? '✓' : e.status === 'SKIPPED' ? '-' : '✗'} ${e.stage.id} ${e.status}${took}${detail ? `: ${detail}` : ''}\n`,
        );
        return;
      }
      case 'run-end': {
        const t0 = started.get(e.run.runId) ?? clock();
        out.write(
          `${stamp()} ${e.run.pipeline} run ${e.run.runId} ${e.run.status} in ${((clock() - t0) / 1000).toFixed(1)} s${e.run.error ? `: ${e.run.error}` : ''}\n`,
        );
        return;
      }
    }
  };
}
