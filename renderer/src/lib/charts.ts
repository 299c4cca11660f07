// Chart.js set-up shared by every plot: the pieces we use, registered once, the common options, and the
// playback cursor that links time plots to the session video.
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type Plugin,
} from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Legend, Tooltip);

/** Data already in {x, y} form, drawn at once (no animation) and sized by its container. */
export const PLOT_OPTIONS = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  parsing: false,
} as const;

export const CURSOR_COLOUR = '#2563eb';

/** A vertical line at the time `at()` gives (seconds on the x scale); redraw the chart to move it. */
export function cursorPlugin(at: () => number | null): Plugin {
  return {
    id: 'playback-cursor',
    afterDatasetsDraw(chart) {
      const t = at();
      const x = chart.scales.x;
      if (t === null || !x || t < x.min || t > x.max) return;
      const px = x.getPixelForValue(t);
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.strokeStyle = CURSOR_COLOUR;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.restore();
    },
  };
}

/** The time (x value) under a pointer position on the chart's canvas, or null outside the plot area (legend, axes). */
export function timeAtPixel(chart: Chart, offsetX: number, offsetY: number): number | null {
  const x = chart.scales.x;
  const area = chart.chartArea;
  if (!x || offsetX < area.left || offsetX > area.right || offsetY < area.top || offsetY > area.bottom) return null;
  return x.getValueForPixel(offsetX) ?? null;
}

export { Chart };
