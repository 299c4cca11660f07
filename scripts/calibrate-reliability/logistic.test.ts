import { expect, test } from 'vitest';
import { seeded } from '../../testing/signal.ts';
import { fitLogistic } from './logistic.ts';

test('recovers the weights of a known logistic model from its samples', () => {
  const rnd = seeded(3);
  const x: number[][] = [];
  const y: boolean[] = [];
  for (let i = 0; i < 4000; i++) {
    const row = [rnd.uniform(), rnd.uniform()];
    const p = 1 / (1 + Math.exp(-(3 * row[0]! - 2 * row[1]! - 0.5)));
    x.push(row);
    y.push(rnd.uniform() < p);
  }
  const fit = fitLogistic(x, y, 0);
  expect(fit.weights[0]).toBeCloseTo(3, 0);
  expect(fit.weights[1]).toBeCloseTo(-2, 0);
  expect(fit.bias).toBeCloseTo(-0.5, 0);
  expect(fit.iterations).toBeLessThan(20);
});
