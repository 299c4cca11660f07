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
    await expect(this.page.getByRole('list', { name: 'Pre-flight check' })).toContainText('Face found', {
      timeout: 30_000,
    });
  }

  async liveBpm(): Promise<number> {
    return Number((await this.liveHr.textContent())?.replace(/[^\d.]/g, ''));
  }

  /**
   * The live reading is right: the HR shown is within `tolerance` of the truth, or — where the reliability decision
   * withholds it — the POS check shown beside it is. The live crops of this rig score lower than the same video
   * read offline (confidence ≈ 0.76 against 0.88, measured 2026-12-04; issue #19 follows it up), so the decision
   * often withholds the HR here; what the rig checks is that frames reach the analysis and no wrong number shows.
   */
  async expectRightLiveReading(trueBpm: number, tolerance: number): Promise<void> {
    const withheld = await this.page.getByTestId('live-no-hr').isVisible();
    const [label, bpm] = withheld
      ? ['live POS check', Number((await this.page.getByTestId('live-check').textContent())?.replace(/[^\d.]/g, ''))]
      : ['live HR', await this.liveBpm()];
    expect(Math.abs(bpm - trueBpm), `${label} ${bpm}`).toBeLessThanOrEqual(tolerance);
  }
}

/**
 * The stored analysis is right the same way: its session HR within `tolerance`, or none with a
 * reason and the POS check right.
 */
export function expectRightStoredReading(
  summary: { hr: { bpm: number | null; reason: string | null }; checkHr?: { medianBpm?: number } },
  trueBpm: number,
  tolerance: number,
): void {
  const message = `stored HR ${JSON.stringify(summary.hr)}, check ${JSON.stringify(summary.checkHr)}`;
  if (summary.hr.bpm !== null) expect(Math.abs(summary.hr.bpm - trueBpm), message).toBeLessThanOrEqual(tolerance);
  else {
    expect(summary.hr.reason, message).toBeTruthy();
    expect(Math.abs((summary.checkHr?.medianBpm ?? Number.NaN) - trueBpm), message).toBeLessThanOrEqual(tolerance);
  }
}
