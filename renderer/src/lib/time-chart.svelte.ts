// Line charts over session time (the HR plot and the pulse waveform in Review): one Chart.js set-up, a chart built
// when its canvas appears and destroyed with it, and the view's time range applied to the x axis.
import { untrack } from 'svelte';
import type { ChartConfiguration, ChartDataset, ScaleOptions, TooltipItem } from 'chart.js';
import { Chart, cursorPlugin, PLOT_OPTIONS } from './charts.ts';

export type TimePoint = { x: number; y: number | null };

export interface TimeChartSpec {
  datasets: ChartDataset<'line' | 'scatter', TimePoint[]>[];
  /** The y axis (its title and range, or hidden). */
  y: ScaleOptions<'linear'> | { display: false };
  /** Pointer events the chart handles itself (tooltips on hover); clicks and drags are TimePlot's. */
  events: ('mousemove' | 'mouseout')[];
  tooltipLabel?: (item: TooltipItem<'line'>) => string;
}

/** The Chart.js configuration of a time chart; `cursorS` is read at each draw for the playback line. */
export function timeChartConfig(
  spec: TimeChartSpec,
  cursorS: () => number | null,
): ChartConfiguration<'line', TimePoint[]> {
  return {
    type: 'line',
    data: { datasets: spec.datasets as ChartDataset<'line', TimePoint[]>[] },
    options: {
      ...PLOT_OPTIONS,
      normalized: true,
      events: spec.events,
      scales: { x: { type: 'linear', title: { display: true, text: 'time (s)' } }, y: spec.y },
      ...(spec.tooltipLabel ? { plugins: { tooltip: { callbacks: { label: spec.tooltipLabel } } } } : {}),
    },
    plugins: [cursorPlugin(cursorS)],
  };
}

/** Shows `from`–`to` s on the x axis and redraws at once (no animation). */
export function showTimeRange(chart: Pick<Chart, 'options' | 'update'>, from: number, to: number): void {
  chart.options.scales!.x!.min = from;
  chart.options.scales!.x!.max = to;
  chart.update('none');
}

/**
 * A time chart on `canvas()` once the element exists, rebuilt when what `spec()` reads changes, destroyed with the
 * component (call it while the component initialises). `current` is state, so effects that fill it rerun on a rebuild.
 */
export function timeChart(
  canvas: () => HTMLCanvasElement | undefined,
  spec: () => TimeChartSpec,
  cursorS: () => number | null,
): { readonly current: Chart | null } {
  let chart = $state.raw<Chart | null>(null);
  $effect(() => {
    const element = canvas();
    if (!element) return;
    const built = new Chart(element, timeChartConfig(spec(), () => untrack(cursorS)) as unknown as ChartConfiguration);
    chart = built;
    return () => {
      built.destroy();
      chart = null;
    };
  });
  return {
    get current() {
      return chart;
    },
  };
}
