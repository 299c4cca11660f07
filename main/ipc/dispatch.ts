// Validates a raw IPC request against the contract and runs its handler; always resolves to a Result.
import type { z } from 'zod';
import { contract } from '../../common/ipc/contract.ts';
import { isChannel } from '../../common/ipc/channels.ts';
import { AppError, fail, ok, type AppErrorInfo, type Result } from '../../common/ipc/result.ts';
import { storageProblem } from '../store/errors.ts';
import type { Handlers } from './handlers.ts';

export type Dispatch = (channel: unknown, input: unknown) => Promise<Result<unknown>>;

/** Replies never grow with the input: a 1 MB unknown key must not come back as a 2 MB message. */
const MAX_MESSAGE = 500;
const MAX_FIELD_KEY = 80;
const MAX_FIELD_MESSAGE = 200;
const MAX_FIELDS = 20;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function createDispatch(
  handlers: Handlers,
  log: (message: string, error: unknown) => void = console.error,
): Dispatch {
  return async (channel, input) => {
    if (!isChannel(channel))
      return fail('unknown_channel', `Unknown request "${clip(String(channel), MAX_FIELD_KEY)}"`);
    const parsed = contract[channel].input.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return ok(await handler(parsed.data));
    } catch (error) {
      return { ok: false, error: bounded(errorInfo(channel, error, log)) };
    }
  };
}

function errorInfo(channel: string, error: unknown, log: (message: string, error: unknown) => void): AppErrorInfo {
  if (error instanceof AppError) return error.toInfo();
  // A full disk or a database locked by another program is a condition to report, not a fault to log.
  const problem = storageProblem(error, 'Could not complete the request');
  if (problem) return problem.toInfo();
  log(`[ipc] ${channel} failed`, error);
  return {
    code: 'internal',
    message: `Something went wrong (${channel}): ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** An error reply of bounded size, whatever input or service text it quotes. */
export function bounded(info: AppErrorInfo): AppErrorInfo {
  const message = clip(info.message, MAX_MESSAGE);
  if (!info.fields) return { code: info.code, message };
  const fields = Object.entries(info.fields)
    .slice(0, MAX_FIELDS)
    .map(([key, text]) => [clip(key, MAX_FIELD_KEY), clip(text, MAX_FIELD_MESSAGE)]);
  return { code: info.code, message, fields: Object.fromEntries(fields) };
}

/** Per-field messages for a form, and a summary in the same words (field keys are for forms, not for people). */
function invalid(error: z.ZodError): Result<never> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues.slice(0, MAX_FIELDS)) {
    const key = issue.path.length ? issue.path.join('.') : 'input';
    fields[clip(key, MAX_FIELD_KEY)] ??= clip(issue.message, MAX_FIELD_MESSAGE);
  }
  const summary = [...new Set(Object.values(fields))].slice(0, 3).join('; ');
  return { ok: false, error: bounded(new AppError('invalid_input', `Not accepted — ${summary}`, fields).toInfo()) };
}
