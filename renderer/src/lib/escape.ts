// `{@attach onEscape(close)}`: Escape inside the element closes it (forms, inline editors).
import type { Attachment } from 'svelte/attachments';

export const onEscape =
  (handler: () => void): Attachment<HTMLElement> =>
  (node) => {
    const listener = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      handler();
    };
    node.addEventListener('keydown', listener);
    return () => node.removeEventListener('keydown', listener);
  };
