// A session with its markers and its latest analysis version, as the Review view shows it.
import type { SessionResults } from '../../common/sessions.ts';
import type { Store } from './index.ts';

export function sessionResults(store: Store, sessionId: number): SessionResults {
  const session = store.sessions.get(sessionId);
  const versions = store.analyses.list(sessionId);
  const latest = versions.at(-1);
  const markers = store.sessions.markers(sessionId);
  const history = store.sessions.history(sessionId);
  if (!latest) return { session, markers, history, analysis: null };
  const series = store.analyses.allHrSeries(latest.id);
  return {
    session,
    markers,
    history,
    analysis: {
      version: latest.version,
      versions: versions.length,
      createdAt: latest.createdAt,
      // The network's series is primary whenever it ran; otherwise POS stood in for it.
      primary: series.sspd ? 'sspd' : 'pos',
      series,
    },
  };
}
