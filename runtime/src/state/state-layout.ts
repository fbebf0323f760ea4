import { z } from 'zod';
import { StateRestoreError } from '../errors.js';
import { listIssues } from '../zod-issues.js';
import type { Json } from '../types.js';

/**
 * The layout version every stateful operator writes into its checkpointed state. Bump it when a
 * snapshot's shape changes, and teach `parseOperatorState` to read the old one: a restore must
 * either understand a checkpoint exactly or refuse it, never guess.
 */
export const STATE_LAYOUT_VERSION = 1;

const key = z.union([z.string(), z.number()]);
const time = z.number();
/** User payloads (accumulators, state values) are JSON by construction: the store parsed them. */
const payload = z.custom<Json>(() => true);
const pendingWindows = z.array(z.tuple([time, z.array(z.tuple([key, time]))]));
const timers = z.array(z.tuple([time, key, z.number()]));
/** Checkpoints written before versioning carry no `v`; their layout is version 1. */
const version = z.literal(STATE_LAYOUT_VERSION).optional();

const layouts = {
  'aligned-window': z.object({
    v: version,
    windows: z.array(z.tuple([key, z.array(z.tuple([time, payload]))])),
    fire: pendingWindows,
    cleanup: pendingWindows,
  }),
  'session-window': z.object({
    v: version,
    sessions: z.array(z.tuple([key, z.array(z.tuple([time, time, payload]))])),
    fire: pendingWindows,
    cleanup: pendingWindows,
  }),
  'keyed-process': z.object({
    v: version,
    state: z.record(
      z.string(),
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('value'), entries: z.array(z.tuple([key, payload])) }),
        z.object({ kind: z.literal('list'), entries: z.array(z.tuple([key, payload])) }),
        z.object({ kind: z.literal('map'), entries: z.array(z.tuple([key, z.array(z.tuple([key, payload]))])) }),
      ]),
    ),
    eventTimers: timers,
    processingTimers: timers,
  }),
};

/** The kinds of operator state the runtime checkpoints. */
export type StateLayoutKind = keyof typeof layouts;
export type OperatorStateOf<K extends StateLayoutKind> = z.infer<(typeof layouts)[K]>;

/**
 * Parses one operator's checkpointed state, or throws a {@link StateRestoreError} that names the
 * operator uid and every difference found: a checkpoint written by an incompatible build (another
 * operator under the same uid, another layout version) must fail the restore loudly instead of
 * loading half-understood state.
 */
export function parseOperatorState<K extends StateLayoutKind>(
  operatorId: string,
  kind: K,
  raw: Json,
): OperatorStateOf<K> {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const v = raw['v'];
    if (v !== undefined && v !== STATE_LAYOUT_VERSION) {
      throw new StateRestoreError(
        operatorId,
        `its state was written with layout version ${JSON.stringify(v)} and this build reads version ${STATE_LAYOUT_VERSION}`,
      );
    }
  }
  const parsed = layouts[kind].safeParse(raw);
  if (!parsed.success) {
    throw new StateRestoreError(operatorId, `its state is not ${kind} operator state (${listIssues(parsed.error)})`);
  }
  return parsed.data as OperatorStateOf<K>;
}
