// Chart.js set-up shared by every plot: the pieces we use, registered once, and the common options.
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Legend, Tooltip);

/** Data already in {x, y} form, drawn at once (no animation) and sized by its container. */
export const PLOT_OPTIONS = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  parsing: false,
} as const;

export { Chart };
