import type { Task, TaskStatus } from './task.js';

export interface JobResult {
  jobId: string;
  status: 'FINISHED' | 'STOPPED';
  tasks: { id: string; status: TaskStatus; watermark: number }[];
}

/** A running job: await `done`, or `stop()` it (each task checkpoints, then closes). */
export interface JobClient {
  readonly jobId: string;
  readonly done: Promise<JobResult>;
  stop(): Promise<JobResult>;
  /** Tasks started so far, by id (the latest incarnation of each). */
  tasks(): ReadonlyMap<string, Task>;
}
