// Page object for Settings → Protocols of this study: the list and the editor form.
import { expect, type Locator, type Page } from '@playwright/test';

export interface StepInput {
  name: string;
  durationS: number;
  operatorText?: string;
  participantText?: string;
  /** As the editor takes them: "cough:1, moved:2". */
  markers?: string;
}

export class ProtocolsPage {
  readonly page: Page;
  readonly panel: Locator;
  readonly form: Locator;

  constructor(page: Page) {
    this.page = page;
    this.panel = page.getByRole('region', { name: 'Protocols' });
    this.form = this.panel.getByRole('form', { name: 'Protocol' });
  }

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(this.panel.getByRole('heading', { name: 'Protocols of this study' })).toBeVisible();
  }

  row(name: string): Locator {
    return this.panel.getByRole('row').filter({ hasText: name });
  }

  /** Fills a new protocol in the editor, step by step, and saves it. */
  async create(name: string, steps: readonly StepInput[]): Promise<void> {
    await this.panel.getByRole('button', { name: 'New protocol' }).click();
    await this.form.getByLabel('Protocol name').fill(name);
    for (const [i, step] of steps.entries()) {
      if (i > 0) await this.form.getByRole('button', { name: 'Add step' }).click();
      const n = i + 1;
      const group = this.form.getByRole('group', { name: `Step ${n}` });
      await group.getByLabel(`Step ${n} name`).fill(step.name);
      await group.getByLabel(`Step ${n} duration`).fill(String(step.durationS));
      await group.getByLabel(`Step ${n} markers`).fill(step.markers ?? '');
      await group.getByLabel('Operator instructions').fill(step.operatorText ?? '');
      await group.getByLabel('Participant instructions').fill(step.participantText ?? '');
    }
    await this.form.getByRole('button', { name: 'Save protocol' }).click();
    await expect(this.form, 'the editor closes once the protocol is saved').toBeHidden();
  }
}
