// Ctrl+C (and SIGTERM) as a cancel for long commands: the first one says what happens and aborts the signal, so
// the command stops at a safe point instead of the process dying mid-write.

export function interruptSignal(message: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => {
    if (!controller.signal.aborted) process.stderr.write(`\n${message}\n`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
