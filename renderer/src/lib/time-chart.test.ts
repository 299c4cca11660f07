// The set-up the HR plot and the waveform share: time on a linear x axis, the playback cursor, events and tooltips
// as asked, and the view's range applied without animation.
import { describe, expect, test, vi } from 'vitest';
import type { Chart } from './charts.ts';
import { showTimeRange, timeChartConfig } from './time-chart.svelte.ts';

describe('time charts', () => {
  test('put time in seconds on a linear x axis, the cursor plugin on top, and no animation', () => {
    const label = vi.fn(() => 'a tooltip');
    const config = timeChartConfig(
      { datasets: [{ label: 'SSPD HR', data: [] }], y: { display: false }, events: ['mousemove'], tooltipLabel: label },
      () => 12,
    );
    expect(config.type).toBe('line');
    expect(config.options).toMatchObject({
      animation: false,
      parsing: false,
      normalized: true,
      events: ['mousemove'],
      scales: { x: { type: 'linear', title: { display: true, text: 'time (s)' } }, y: { display: false } },
    });
    expect(config.options?.plugins?.tooltip?.callbacks?.label).toBe(label);
    expect(config.plugins?.map((p) => p.id)).toEqual(['playback-cursor']);
  });

  test('leave Chart.js tooltips as they are when no label is given', () => {
    const config = timeChartConfig({ datasets: [], y: { display: false }, events: [] }, () => null);
    expect(config.options?.plugins).toBeUndefined();
    expect(config.options?.events).toEqual([]);
  });

  test('show a range on the x axis and redraw at once', () => {
    const chart = { options: { scales: { x: {}, y: {} } }, update: vi.fn() } as unknown as Chart;
    showTimeRange(chart, 10, 20);
    expect(chart.options.scales!.x).toMatchObject({ min: 10, max: 20 });
    expect(chart.update).toHaveBeenCalledWith('none');
  });
});
