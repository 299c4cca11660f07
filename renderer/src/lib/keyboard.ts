// Keyboard helpers for view-wide shortcuts.

/** True when the key went to a text field or select: single-letter shortcuts must not fire there. */
export const isTyping = (event: KeyboardEvent): boolean =>
  event.target instanceof HTMLInputElement ||
  event.target instanceof HTMLTextAreaElement ||
  event.target instanceof HTMLSelectElement;
