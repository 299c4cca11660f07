// Validates a raw IPC request against the contract and runs its handler; always resolves to a Result.
import type { z } from 'zod';
import { contract } from '../../common/ipc/contract.ts';
import { isChannel } from '../../common/ipc/channels.ts';
import { AppError, fail, ok, type Result } from '../../common/ipc/result.ts';
import type { Handlers } from './handlers.ts';

export type Dispatch = (channel: unknown, input: unknown) => Promise<Result<unknown>>;

export function createDispatch(handlers: Handlers, log: (message: string, error: unknown) => void = console.error): Dispatch {
  return async (channel, input) => {
    if (!isChannel(channel)) return fail('unknown_channel', `Unknown request "${String(channel).slice(0, 80)}"`);
    const parsed = contract[channel].input.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return ok(await handler(parsed.data));
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toInfo() };
      log(`[ipc] ${channel} failed`, error);
      return fail('internal', `Something went wrong (${channel}): ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/** Per-field messages for a form, and a summary in the same words (field keys are for forms, not for people). */
function invalid(error: z.ZodError): Result<never> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'input';
    fields[key] ??= issue.message;
  }
  const summary = [...new Set(Object.values(fields))].slice(0, 3).join('; ');
  return fail('invalid_input', `Not accepted — ${summary}`, fields);
}
