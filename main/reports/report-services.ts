// What reports and exports need from their host: where the templates are, how to print a PDF, and where
// files go by default. The desktop app passes Electron's printer; everything else prints with Chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumPrinter, type PdfPrinter } from './pdf-printer.ts';

export interface ReportServices {
  /** The folder holding `reports/` (templates and strings). */
  resourcesDir: string;
  printPdf: PdfPrinter;
  /** Suggested destination for reports and exports. */
  defaultDestination: string;
  /** The desktop app's folder picker; absent where there is none (browser mode, CLI, tests). */
  chooseFolder?: (startIn: string) => Promise<string | null>;
}

/** The user's Documents folder when there is one, else home. */
export function defaultDestination(home = os.homedir()): string {
  const documents = path.join(home, 'Documents');
  return fs.existsSync(documents) ? documents : home;
}

/** Unbundled (CLI, tests, browser mode): resources/ at the repository root, Chromium to print. */
export function defaultReportServices(): ReportServices {
  const here = import.meta.dirname ?? process.cwd();
  return {
    resourcesDir: path.resolve(here, '..', '..', 'resources'),
    printPdf: chromiumPrinter(),
    defaultDestination: defaultDestination(),
  };
}
