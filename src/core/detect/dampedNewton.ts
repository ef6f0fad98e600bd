/**
 * A small damped-Newton (Levenberg–Marquardt style) minimiser for smooth functions of a few
 * parameters with an analytic gradient. The Hessian is taken by forward differences of the
 * gradient, so each iteration costs n + 1 gradient evaluations (plus any rejected steps), and
 * convergence is fast near the optimum. That matters for the BG/NBD likelihood, whose (a, b) ridge is so flat that
 * a derivative-free method stops several log-likelihood units short.
 */

/** f(θ) and ∇f(θ); f may be +Infinity or NaN where θ is not admissible. */
export type Objective = (theta: Float64Array) => { value: number; gradient: Float64Array };

export interface MinimiseOptions {
  /** Stop when the predicted decrease ½·gᵀH⁻¹g of a full Newton step falls below this. */
  decrementTolerance: number;
  maxIterations: number;
  /** Largest change of any coordinate in one step (keeps early steps from overshooting). */
  maxStep: number;
  /** Step of the finite differences for the Hessian. */
  hessianStep: number;
}

export interface MinimiseResult {
  theta: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises `objective` from `start`.
 *
 * @example
 * const f: Objective = (t) => ({ value: (t[0]! - 1) ** 2, gradient: Float64Array.of(2 * (t[0]! - 1)) });
 * minimiseDampedNewton(f, Float64Array.of(5)).theta[0]; // ≈ 1
 */
export function minimiseDampedNewton(
  objective: Objective,
  start: Float64Array,
  options: Partial<MinimiseOptions> = {},
): MinimiseResult {
  const opts: MinimiseOptions = {
    decrementTolerance: 1e-10,
    maxIterations: 200,
    maxStep: 2,
    hessianStep: 1e-5,
    ...options,
  };
  const n = start.length;
  let evaluations = 0;
  const evaluate = (theta: Float64Array) => {
    evaluations++;
    return objective(theta);
  };
  let theta = Float64Array.from(start);
  let current = evaluate(theta);
  if (!Number.isFinite(current.value)) throw new Error('the objective is not finite at the start');
  let damping = 0;
  for (let iteration = 1; iteration <= opts.maxIterations; iteration++) {
    const hessian = forwardHessian(evaluate, theta, current.gradient, opts.hessianStep);
    const scale = Math.max(...Array.from({ length: n }, (_, i) => Math.abs(hessian[i * n + i] ?? 0)), 1e-12);
    let accepted = false;
    for (let attempt = 0; attempt < 20 && !accepted; attempt++) {
      const step = solveDamped(hessian, current.gradient, n, damping * scale);
      if (step === null) {
        damping = damping === 0 ? 1e-6 : damping * 10;
        continue;
      }
      const decrement = -0.5 * dot(step, current.gradient);
      if (damping === 0 && decrement >= 0 && decrement < opts.decrementTolerance) {
        return { theta, ...pick(current), iterations: iteration, evaluations, converged: true };
      }
      const largest = Math.max(...step.map(Math.abs));
      if (largest > opts.maxStep)
        for (let i = 0; i < n; i++) step[i] = (step[i] ?? 0) * (opts.maxStep / largest);
      const candidate = theta.map((v, i) => v + (step[i] ?? 0));
      const next = evaluate(candidate);
      // Accept any real decrease (Armijo with a tiny constant); otherwise damp harder.
      if (Number.isFinite(next.value) && next.value <= current.value - 1e-4 * Math.max(decrement, 0)) {
        const gained = current.value - next.value;
        theta = candidate;
        current = next;
        accepted = true;
        damping = damping === 0 ? 0 : damping / 10 < 1e-9 ? 0 : damping / 10;
        if (gained < opts.decrementTolerance * 1e-3 && decrement < opts.decrementTolerance) {
          return { theta, ...pick(current), iterations: iteration, evaluations, converged: true };
        }
      } else {
        damping = damping === 0 ? 1e-6 : damping * 10;
      }
    }
    if (!accepted) {
      // No step improves f to working precision: we are at the optimum as far as doubles tell.
      return { theta, ...pick(current), iterations: iteration, evaluations, converged: true };
    }
  }
  return { theta, ...pick(current), iterations: opts.maxIterations, evaluations, converged: false };
}

function pick(v: { value: number; gradient: Float64Array }): { value: number; gradient: Float64Array } {
  return { value: v.value, gradient: v.gradient };
}

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] ?? 0) * (v[i] ?? 0);
  return s;
}

/**
 * Symmetrised forward-difference Hessian of the gradient, row-major n × n: n extra gradient
 * evaluations. Its O(h) error only slows Newton's quadratic convergence to a linear one with
 * rate O(h), which is invisible at h = 1e−5.
 */
function forwardHessian(
  evaluate: (theta: Float64Array) => { value: number; gradient: Float64Array },
  theta: Float64Array,
  gradient: Float64Array,
  h: number,
): Float64Array {
  const n = theta.length;
  const hessian = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const up = Float64Array.from(theta);
    up[j] = (up[j] ?? 0) + h;
    const gUp = evaluate(up).gradient;
    for (let i = 0; i < n; i++) hessian[i * n + j] = ((gUp[i] ?? 0) - (gradient[i] ?? 0)) / h;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const mean = ((hessian[i * n + j] ?? 0) + (hessian[j * n + i] ?? 0)) / 2;
      hessian[i * n + j] = mean;
      hessian[j * n + i] = mean;
    }
  }
  return hessian;
}

/** Solves (H + μI)·d = −g by Cholesky; null when H + μI is not positive definite. */
function solveDamped(
  hessian: Float64Array,
  gradient: Float64Array,
  n: number,
  mu: number,
): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (hessian[i * n + j] ?? 0) + (i === j ? mu : 0);
      for (let k = 0; k < j; k++) s -= (l[i * n + k] ?? 0) * (l[j * n + k] ?? 0);
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] ?? 1);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = -(gradient[i] ?? 0);
    for (let k = 0; k < i; k++) s -= (l[i * n + k] ?? 0) * (y[k] ?? 0);
    y[i] = s / (l[i * n + i] ?? 1);
  }
  const d = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] ?? 0;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] ?? 0) * (d[k] ?? 0);
    d[i] = s / (l[i * n + i] ?? 1);
  }
  return d;
}
