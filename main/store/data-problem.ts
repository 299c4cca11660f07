// The error a data folder that cannot be opened raises: the DataProblem the app shows in place of its views.
import { AppError } from '../../common/ipc/result.ts';
import type { DataProblem } from '../../common/data-safety.ts';

export class DataFolderError extends AppError {
  readonly problem: DataProblem;

  constructor(kind: DataProblem['kind'], message: string, details: string[] = []) {
    super(
      kind === 'in_use' ? 'busy' : kind === 'newer' ? 'conflict' : kind === 'locked' ? 'forbidden' : 'storage',
      message,
    );
    this.name = 'DataFolderError';
    this.problem = { kind, message, details };
  }
}
