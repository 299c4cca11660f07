// Plain-words defaults for every schema's errors (a field's own message, where it has one, comes first): a blank or
// wrong field reads "Enter a number", never "Invalid input: expected number, received null". Imported by the
// schema modules, so it holds wherever they are used (main, the renderer, the CLI).
import { z } from 'zod';

const NOUNS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'some text',
  boolean: 'yes or no',
  array: 'a list',
  object: 'the details',
  date: 'a date',
};

z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === null || issue.input === undefined || Number.isNaN(issue.input)
          ? 'Fill in this field'
          : `Enter ${NOUNS[issue.expected] ?? 'a valid value'}`;
      case 'too_small':
        return issue.origin === 'string'
          ? `Enter at least ${issue.minimum} characters`
          : `Enter at least ${issue.minimum}`;
      case 'too_big':
        return issue.origin === 'string'
          ? `Enter at most ${issue.maximum} characters`
          : `Enter at most ${issue.maximum}`;
      case 'invalid_value':
        return 'Choose one of the offered values';
      default:
        return undefined;
    }
  },
});
