// Long jobs the UI follows by polling (exports, video imports, adaptations): ids, live status copies, cancel, settle.
import { AppError } from '../../common/ipc/result.ts';

type JobShape = { id: number; state: string; stage: string };

interface Entry<J> {
  job: J;
  controller: AbortController;
  finished: Promise<void>;
}

export class JobTable<J extends JobShape> {
  readonly #noun: string;
  readonly #jobs = new Map<number, Entry<J>>();
  #nextId = 1;

  /** `noun` names a job in messages ("Export 3 does not exist"). */
  constructor(noun: string) {
    this.#noun = noun;
  }

  /** Registers a job made by `make` and starts `run`, which updates the job in place and settles it. */
  start(make: (id: number) => J, run: (job: J, signal: AbortSignal) => Promise<void>): J {
    const job = make(this.#nextId++);
    const controller = new AbortController();
    const finished = run(job, controller.signal);
    this.#jobs.set(job.id, { job, controller, finished });
    return { ...job };
  }

  /** How many jobs are still running. */
  get running(): number {
    return [...this.#jobs.values()].filter((entry) => entry.job.state === 'running').length;
  }

  status(id: number): J {
    return { ...this.#get(id).job };
  }

  /** Asks a running job to stop (its runner cleans up); finished jobs are left as they are. */
  cancel(id: number, stage?: string): J {
    const entry = this.#get(id);
    if (entry.job.state === 'running') {
      entry.controller.abort();
      if (stage) entry.job.stage = stage;
    }
    return { ...entry.job };
  }

  /** Resolves when the job has finished (tests, the CLI). */
  async settled(id: number): Promise<J> {
    await this.#get(id).finished;
    return this.status(id);
  }

  #get(id: number): Entry<J> {
    const entry = this.#jobs.get(id);
    if (!entry) throw new AppError('not_found', `${this.#noun} ${id} does not exist`);
    return entry;
  }
}

/** The face of one kind of job (exports, imports, adaptations): a subclass adds `start`; the rest is the table's. */
export abstract class Jobs<J extends JobShape> {
  protected readonly jobs: JobTable<J>;
  readonly #cancelStage: string | undefined;

  /** `cancelStage`: what a cancelled running job shows until its runner has cleaned up. */
  constructor(noun: string, cancelStage?: string) {
    this.jobs = new JobTable<J>(noun);
    this.#cancelStage = cancelStage;
  }

  /** How many of these jobs are still running. */
  get running(): number {
    return this.jobs.running;
  }

  status(id: number): J {
    return this.jobs.status(id);
  }

  /** Asks a running job to stop; its runner removes what it made. Finished jobs are left as they are. */
  cancel(id: number): J {
    return this.jobs.cancel(id, this.#cancelStage);
  }

  /** Resolves when the job has finished (tests, the CLI). */
  settled(id: number): Promise<J> {
    return this.jobs.settled(id);
  }
}
