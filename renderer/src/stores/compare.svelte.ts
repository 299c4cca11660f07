// The Review view's compare basket: sessions of any subjects of one study, kept while the user moves between
// subjects and views, in the order they were chosen (which gives each its curve colour).
import type { Subject } from '../../../common/subjects.ts';

/** What the compare panel and its picker are given by the Review view. */
export interface CompareScope {
  /** The study's subjects (archived ones too): sessions of any of them can be compared. */
  subjects: Subject[];
  /** The subject under review: the picker shows its sessions until the user picks another subject there. */
  reviewedId: number | null;
  /** Bumped when an analysis version was added: medians change, the latest versions are compared. */
  revision: number;
}

export interface ComparePick {
  sessionId: number;
  subjectId: number;
}

export const compare = $state({
  studyId: null as number | null,
  picks: [] as ComparePick[],
  /** Whether the panel is unfolded: it stays as the user left it. */
  open: false,
});

/** The basket belongs to one study: choosing another study empties it. */
export function compareStudy(studyId: number | null): void {
  if (compare.studyId === studyId) return;
  compare.studyId = studyId;
  compare.picks = [];
}

export const isPicked = (sessionId: number): boolean => compare.picks.some((p) => p.sessionId === sessionId);

export function setPicked(pick: ComparePick, on: boolean): void {
  const rest = compare.picks.filter((p) => p.sessionId !== pick.sessionId);
  compare.picks = on ? [...rest, pick] : rest;
}

// A statement, not `void (a = b)`: Svelte warns that such an assignment's value is the right side, not the state.
export function unpick(sessionId: number): void {
  compare.picks = compare.picks.filter((p) => p.sessionId !== sessionId);
}
