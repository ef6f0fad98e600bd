import { describe, expect, it } from 'vitest';
import { minimiseDampedNewton, type Objective } from './dampedNewton.js';

/** Rosenbrock's valley: a long curved ridge, minimum 0 at (1, 1). */
const rosenbrock: Objective = (t) => {
  const x = t[0] as number;
  const y = t[1] as number;
  return {
    value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    gradient: Float64Array.of(-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
  };
};

describe('minimiseDampedNewton', () => {
  it("finds the minimum of Rosenbrock's curved valley from the classic start", () => {
    const result = minimiseDampedNewton(rosenbrock, Float64Array.of(-1.2, 1));
    expect(result.converged).toBe(true);
    expect(result.theta[0]).toBeCloseTo(1, 6);
    expect(result.theta[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('takes one or two steps on a quadratic', () => {
    const quadratic: Objective = (t) => {
      const x = t[0] as number;
      const y = t[1] as number;
      return {
        value: 3 * x * x + x * y + y * y - 4 * y,
        gradient: Float64Array.of(6 * x + y, x + 2 * y - 4),
      };
    };
    const result = minimiseDampedNewton(quadratic, Float64Array.of(0.5, 0.5));
    expect(result.iterations).toBeLessThanOrEqual(3);
    // ∇f = 0 at x = −4/11, y = 24/11
    expect(result.theta[0]).toBeCloseTo(-4 / 11, 8);
    expect(result.theta[1]).toBeCloseTo(24 / 11, 8);
  });

  it('backs off where the objective is not finite', () => {
    const walled: Objective = (t) => {
      const x = t[0] as number;
      if (x > 2) return { value: Number.POSITIVE_INFINITY, gradient: Float64Array.of(0) };
      return {
        value: (x - 1.9) ** 2 - Math.log(2 - x),
        gradient: Float64Array.of(2 * (x - 1.9) + 1 / (2 - x)),
      };
    };
    const result = minimiseDampedNewton(walled, Float64Array.of(0), { maxStep: 5 });
    // ∇f = 0 where u = 2 − x solves −2u² + 0.2u + 1 = 0
    const u = (0.2 + Math.sqrt(0.04 + 8)) / 4;
    expect(result.theta[0]).toBeCloseTo(2 - u, 5);
  });

  it('refuses a start where the objective is not finite', () => {
    expect(() =>
      minimiseDampedNewton(() => ({ value: Number.NaN, gradient: Float64Array.of(0) }), Float64Array.of(0)),
    ).toThrow(/not finite at the start/);
  });
});
