// The one error a bad reference file or request raises: an invalid_input AppError whose message the user reads.
import { AppError } from '../../common/ipc/result.ts';

export const bad = (message: string): AppError => new AppError('invalid_input', message);
