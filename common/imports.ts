// Importing a video file into a subject as a session: the request the app validates and the job it follows.
import { z } from 'zod';
import type { AppErrorInfo } from './ipc/result.ts';
import { id } from './subjects.ts';

export const IMPORT_ROI_MODES = ['face', 'full'] as const;

export const importRequest = z.strictObject({
  subjectId: id,
  /** A video file on the computer running Pulse Studio (main checks it exists and can be read). */
  path: z.string().trim().min(1, 'Choose a video file').max(4096, 'The path is too long'),
  /** 'face': find the face (ordinary videos); 'full': the whole frame is skin (pre-cropped clips). */
  roi: z.enum(IMPORT_ROI_MODES).default('face'),
});
export type ImportRequest = z.output<typeof importRequest>;

export interface ImportJob {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  subjectId: number;
  /** The file's name (not its folder). */
  fileName: string;
  /** Frames decoded so far, the video time they reach, and the video's length when the container says. */
  frames: number;
  tS: number;
  durationS: number | null;
  stage: string;
  /** The new session, once the import is done. */
  sessionId: number | null;
  error: AppErrorInfo | null;
}
