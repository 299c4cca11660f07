// Page object for the Subjects view.
import { expect, type Locator, type Page } from '@playwright/test';

export interface SubjectInput {
  code: string;
  birthYear?: string;
  sex?: string;
  skinType?: string;
  consentDate?: string;
  consentVersion?: string;
  notes?: string;
}

export class SubjectsPage {
  readonly page: Page;
  readonly table: Locator;
  readonly search: Locator;

  constructor(page: Page) {
    this.page = page;
    this.table = page.getByTestId('subject-table');
    this.search = page.getByRole('searchbox', { name: 'Search subjects' });
  }

  row(code: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell', { name: code, exact: false }) });
  }

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Subjects' }).click();
    await expect(this.page.getByRole('heading', { name: /^Subjects/ })).toBeVisible();
  }

  async fill(input: SubjectInput): Promise<void> {
    const form = this.page.locator('form.subject-form');
    await form.getByLabel('Pseudonymous code').fill(input.code);
    if (input.birthYear !== undefined) await form.getByLabel('Birth year').fill(input.birthYear);
    if (input.sex) await form.getByLabel('Sex').selectOption(input.sex);
    if (input.skinType) await form.getByLabel('Fitzpatrick skin type').selectOption(input.skinType);
    if (input.consentDate) await form.getByLabel('Consent date').fill(input.consentDate);
    if (input.consentVersion) await form.getByLabel('Consent form version').fill(input.consentVersion);
    if (input.notes !== undefined) await form.getByLabel('Notes').fill(input.notes);
  }

  async create(input: SubjectInput): Promise<void> {
    await this.page.getByRole('button', { name: 'New subject' }).click();
    await this.fill(input);
    await this.page.getByRole('button', { name: 'Create subject' }).click();
  }

  fieldError(text: string | RegExp): Locator {
    return this.page.locator('form.subject-form .field-error', { hasText: text });
  }
}
