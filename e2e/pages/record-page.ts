// Page object for the Record view.
import { expect, type Locator, type Page } from '@playwright/test';

export class RecordPage {
  readonly page: Page;
  readonly liveHr: Locator;
  readonly summary: Locator;

  constructor(page: Page) {
    this.page = page;
    this.liveHr = page.getByTestId('live-hr');
    this.summary = page.getByTestId('recording-summary');
  }

  async openWithNewSubject(code: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Record', exact: true }).click();
    await this.page.getByLabel('New subject code').fill(code);
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(this.page.getByLabel('Subject', { exact: true }).locator('option:checked')).toHaveText(code);
    await this.page.getByRole('button', { name: 'Open camera' }).click();
    await expect(this.page.getByRole('list', { name: 'Pre-flight check' })).toContainText('Face found', { timeout: 30_000 });
  }

  async liveBpm(): Promise<number> {
    return Number((await this.liveHr.textContent())?.replace(/[^\d.]/g, ''));
  }
}
