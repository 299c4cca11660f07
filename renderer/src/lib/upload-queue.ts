// Runs async uploads strictly one after another, in the order added, reporting how many are waiting.
// A failed upload stops the queue: later pieces would not line up with what main has stored.

export class UploadQueue {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;
  #failed = false;
  readonly #onBacklog: (waiting: number) => void;
  readonly #onError: (error: unknown) => void;

  constructor(onBacklog: (waiting: number) => void, onError: (error: unknown) => void) {
    this.#onBacklog = onBacklog;
    this.#onError = onError;
  }

  add(upload: () => Promise<void>): void {
    if (this.#failed) return;
    this.#onBacklog(++this.#waiting);
    this.#tail = this.#tail.then(async () => {
      if (this.#failed) return;
      try {
        await upload();
      } catch (error) {
        this.#failed = true;
        this.#onError(error);
      } finally {
        this.#onBacklog(--this.#waiting);
      }
    });
  }

  /** Resolves when everything added so far has been stored (or the queue failed). */
  drained(): Promise<void> {
    return this.#tail;
  }
}
