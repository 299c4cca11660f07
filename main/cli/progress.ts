// A progress bar on stderr (stdout stays clean for --json and tables); plain lines when not a terminal.

export interface ProgressBar {
  update(done: number, total: number | null, label: string): void;
  done(message?: string): void;
}

const WIDTH = 30;
/** Non-terminal output (CI logs, pipes): one line per this many percent, not a redraw per frame. */
const LOG_STEP_PCT = 25;

export function progressBar(stream: NodeJS.WriteStream = process.stderr, quiet = false): ProgressBar {
  const tty = stream.isTTY === true;
  let lastLogged = -LOG_STEP_PCT;
  let lastDraw = 0;
  return {
    update(done, total, label) {
      if (quiet) return;
      const share = total && total > 0 ? Math.min(1, done / total) : null;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && share !== 1) return;
        lastDraw = now;
        const bar =
          share === null
            ? ''
            : `[${'#'.repeat(Math.round(share * WIDTH)).padEnd(WIDTH, '.')}] ${(share * 100).toFixed(0).padStart(3)}% `;
        stream.write(`\r\x1b[2K${bar}${label}`);
      } else if (share !== null && share * 100 >= lastLogged + LOG_STEP_PCT) {
        lastLogged = Math.floor((share * 100) / LOG_STEP_PCT) * LOG_STEP_PCT;
        stream.write(`${(share * 100).toFixed(0)}% ${label}\n`);
      }
    },
    done(message) {
      if (quiet) return;
      if (tty) stream.write('\r\x1b[2K');
      lastLogged = -LOG_STEP_PCT;
      if (message) stream.write(message + '\n');
    },
  };
}
