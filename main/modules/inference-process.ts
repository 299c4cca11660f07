// The desktop app's inference process: an Electron utility process (Chromium's service host, no window), so a native
// crash in onnxruntime ends that process only and the supervisor restarts it (main/inference/supervised-inference.ts).
import { utilityProcess } from 'electron';
import type { WorkerLauncher } from '../inference/worker-process.ts';

export function utilityProcessLauncher(entry: string): WorkerLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Pulse Studio inference', stdio: 'inherit' });
    const ended = new Promise<string>((resolve) => child.once('exit', (code) => resolve(`exited with code ${code}`)));
    let alive = true;
    void ended.then(() => (alive = false));
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (!alive) return;
        // Structured clone copies a view's whole buffer: send frames that own exactly their bytes.
        const own =
          'frames' in message && message.frames.byteLength !== message.frames.buffer.byteLength
            ? { ...message, frames: message.frames.slice() }
            : message;
        child.postMessage(own);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => void ended.then(listener),
      kill: () => void child.kill(),
    };
  };
}
