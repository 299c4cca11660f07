// The time window of the HR and waveform plots: zoom and pan stay inside the series and above the shortest span,
// and the keys do what the plot's help says (not while typing in a field).
import { describe, expect, test, vi } from 'vitest';
import { TimeView, ZOOM_STEP } from './time-view.svelte.ts';

// No DOM here: the element classes isTyping checks, as plain classes.
class Input {}
vi.stubGlobal('HTMLInputElement', Input);
vi.stubGlobal('HTMLTextAreaElement', class {});
vi.stubGlobal('HTMLSelectElement', class {});

const key = (k: string, target: unknown = null) =>
  ({
    key: k,
    target,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    preventDefault: vi.fn(),
  }) as unknown as KeyboardEvent;

describe('TimeView', () => {
  test('opens a series at its start, zooms around the middle and never past its ends', () => {
    const view = new TimeView(2);
    view.reset(5, 100, 10);
    expect([view.start, view.end, view.label]).toEqual([5, 15, '5.0–15.0']);
    view.zoom(1 / ZOOM_STEP);
    expect(view.span).toBeCloseTo(10 / ZOOM_STEP, 9);
    expect((view.start + view.end) / 2).toBeCloseTo(10, 9);
    view.zoom(0.001);
    expect(view.span).toBe(2);
    view.pan(-100);
    expect(view.start).toBe(5);
    view.pan(1000);
    expect(view.end).toBe(105);
    view.whole();
    expect([view.start, view.end]).toEqual([5, 105]);
  });

  test('turns the page when playback leaves the view', () => {
    const view = new TimeView(2);
    view.reset(0, 60, 10);
    view.follow(5);
    expect(view.start).toBe(0);
    view.follow(30);
    expect(view.start).toBe(29);
  });

  test('keys zoom, pan, jump and seek; other keys are left alone', () => {
    const view = new TimeView(2);
    view.reset(0, 60, 10);
    const onSeek = vi.fn();
    const { onkeydown } = view.handlers(() => null, onSeek);
    onkeydown(key('ArrowRight'));
    expect(view.start).toBe(5);
    onkeydown(key('End'));
    expect(view.end).toBe(60);
    onkeydown(key('Enter'));
    expect(onSeek).toHaveBeenCalledWith(50);
    onkeydown(key('0'));
    expect(view.span).toBe(60);
    for (const ignored of [key('x'), key('ArrowLeft', new Input())]) {
      onkeydown(ignored);
      expect(ignored.preventDefault).not.toHaveBeenCalled();
    }
    expect(view.start).toBe(0);
  });
});
