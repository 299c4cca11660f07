// Page object for the Export view: destination, session choice, researcher export and participant report.
import { expect, type Locator, type Page } from '@playwright/test';

export class ExportPage {
  readonly page: Page;
  readonly destination: Locator;
  readonly sessions: Locator;
  readonly exportForm: Locator;
  readonly reportForm: Locator;

  constructor(page: Page) {
    this.page = page;
    this.destination = page.getByRole('textbox', { name: 'Destination folder' });
    this.sessions = page.getByRole('group', { name: 'Sessions to export' });
    this.exportForm = page.getByRole('form', { name: 'Researcher export' });
    this.reportForm = page.getByRole('form', { name: 'Participant report' });
  }

  /** Opens the view with its keyboard shortcut, as a keyboard user would. */
  async openWithKeyboard(): Promise<void> {
    // Right after a reload the shortcut can land before the app has mounted (it is imported after the page loads):
    // pressed again until the view opens. Exact name: the Subjects heading names a study called "Export study".
    await expect(async () => {
      await this.page.keyboard.press('Control+4');
      await expect(this.page.getByRole('heading', { name: 'Export', exact: true, level: 1 })).toBeVisible({
        timeout: 1000,
      });
    }).toPass({ timeout: 15_000 });
  }

  async setDestination(folder: string): Promise<void> {
    await this.destination.fill(folder);
  }

  /** Runs an export and returns the path the view reports, or throws with the error it shows. */
  async exportChosen(): Promise<string> {
    await this.exportForm.getByRole('button', { name: /^Export \d+ sessions?$/ }).click();
    const done = this.page.getByTestId('export-result');
    await expect(done.or(this.page.getByTestId('export-error')), 'the export finishes or fails').toBeVisible();
    if (!(await done.isVisible())) throw new Error(await this.page.getByTestId('export-error').innerText());
    return done.locator('code').innerText();
  }
}
