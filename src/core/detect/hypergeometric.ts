/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) for real parameters and real z < 1,
 * as the BG/NBD conditional expectation needs it (Fader, Hardie & Lee 2005, eq. 10, with
 * z = t / (α + T + t) ∈ [0, 1)). No maintained npm package provides it.
 *
 * Method, by region of z:
 * - |z| ≤ 1/2: the defining Maclaurin series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ (Abramowitz & Stegun
 *   15.1.1), summed until the tail is below machine precision.
 * - 1/2 < z < 1: analytic continuation along the real axis. F and F′ are taken from the series
 *   at z = 1/2, then carried towards z by Taylor steps of the hypergeometric differential
 *   equation z(1 − z)w″ + [c − (a + b + 1)z]w′ − ab·w = 0 (A&S 15.5.1). Each step covers half
 *   the remaining distance to the singular point z = 1, so the Taylor series converges like
 *   2⁻ᵏ and reaching 1 − ε takes about log₂(1/ε) steps. Unlike the 1 − z connection formulas
 *   (A&S 15.3.6) this needs no special case when c − a − b is (near) an integer, which is
 *   exactly the case of ₂F₁(1, 1; 2; z) = −ln(1 − z)/z.
 * - z < −1/2: Pfaff's transformation ₂F₁(a, b; c; z) = (1 − z)⁻ᵃ ₂F₁(a, c − b; c; z/(z − 1))
 *   (A&S 15.3.4) maps z into (1/3, 1).
 */

const EPSILON = 2.220446049250313e-16;
const SERIES_MAX_TERMS = 20_000;
const TAYLOR_MAX_TERMS = 600;
/** Where the Maclaurin series hands over to continuation (its terms shrink at least like 2⁻ⁿ). */
const SERIES_LIMIT = 0.5;
/** Fraction of the distance to the singularity at z = 1 covered by one Taylor step. */
const STEP_FRACTION = 0.5;

function isNonPositiveInteger(v: number): boolean {
  return v <= 0 && Number.isInteger(v);
}

/**
 * ₂F₁(a, b; c; z) for real a, b, c and real z < 1. Pass `oneMinusZ` when 1 − z is known more
 * accurately than z (as t/(α+T+t) and (α+T)/(α+T+t) are): near z = 1 the value depends on
 * 1 − z, which rounding z would spoil.
 *
 * Throws a RangeError when z ≥ 1 or c is 0, −1, −2, … (where the function has a pole) unless
 * a or b is a non-positive integer closer to zero (then F is a polynomial).
 *
 * Accuracy: about 1e−15 relative on the series region and 1e−14 near z = 1 where F's regular
 * part dominates (always so for the BG/NBD arguments). When F is close to the solution
 * (1 − z)^(c−a−b) that vanishes at z = 1 (c − a or c − b near a non-positive integer, c > a + b)
 * forward continuation loses relative accuracy; the exact cases (c − a or c − b a non-positive
 * integer) are computed through Euler's transformation as a polynomial instead.
 *
 * @example
 * hyp2f1(1, 1, 2, 0.5); // = −ln(0.5)/0.5 ≈ 1.3862943611198906
 */
export function hyp2f1(a: number, b: number, c: number, z: number, oneMinusZ = 1 - z): number {
  if (![a, b, c, z, oneMinusZ].every(Number.isFinite)) return Number.NaN;
  if (z >= 1 || oneMinusZ <= 0) throw new RangeError(`hyp2f1 is implemented for z < 1, got z = ${z}`);
  const polynomialDegree = terminatingDegree(a, b);
  if (isNonPositiveInteger(c) && !(polynomialDegree !== null && polynomialDegree < -c)) {
    throw new RangeError(`hyp2f1 has a pole at c = ${c}`);
  }
  if (z === 0 || a === 0 || b === 0) return 1;
  if (polynomialDegree !== null) return series(a, b, c, z).value;
  if (Math.abs(z) <= SERIES_LIMIT) return series(a, b, c, z).value;
  if (z < 0) {
    // Pfaff: w = z/(z − 1) ∈ (1/3, 1) for z < −1/2, and 1 − w = 1/(1 − z) exactly as accurate.
    return oneMinusZ ** -a * hyp2f1(a, c - b, c, z / (z - 1), 1 / oneMinusZ);
  }
  if (terminatingDegree(c - a, c - b) !== null) {
    // Euler: F(a, b; c; z) = (1 − z)^(c−a−b) F(c − a, c − b; c; z), here a polynomial.
    return oneMinusZ ** (c - a - b) * series(c - a, c - b, c, z).value;
  }
  return continueToward(a, b, c, oneMinusZ);
}

/** The degree of F when a or b is a non-positive integer (the series stops), else null. */
function terminatingDegree(a: number, b: number): number | null {
  const degrees = [a, b].filter(isNonPositiveInteger).map((v) => -v);
  return degrees.length === 0 ? null : Math.min(...degrees);
}

interface SeriesValue {
  value: number;
  /** dF/dz at the same point. */
  derivative: number;
}

/** The Maclaurin series of F and of F′ together; throws if it has not converged. */
function series(a: number, b: number, c: number, z: number): SeriesValue {
  let term = 1;
  let value = 1;
  // F′ = Σ n tₙ z^(n−1); accumulated as Σ n tₙ and divided by z at the end.
  let derivativeTimesZ = 0;
  for (let n = 0; n < SERIES_MAX_TERMS; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1));
    term *= ratio * z;
    if (term === 0) return { value, derivative: derivativeTimesZ / z };
    value += term;
    derivativeTimesZ += (n + 1) * term;
    // Once the term ratio is below 1 in size and settled, the tail is bounded by a geometric
    // series; stop when both F's and F′'s tails are below machine precision.
    // Past m > max(−a, −b, −c), each factor (a+m)/(c+m) and (b+m)/(1+m) is positive and
    // monotone towards 1, so |z|·max(factor at n+1, 1)·max(…, 1) bounds every later ratio.
    const m = n + 1;
    if (m > -a && m > -b && m > -c) {
      const q = Math.abs(z) * Math.max((a + m) / (c + m), 1) * Math.max((b + m) / (1 + m), 1);
      if (q >= 1) continue;
      const tailBound = Math.abs(term) / (1 - q);
      if (
        tailBound <= EPSILON * Math.abs(value) &&
        (n + 2) * tailBound <= EPSILON * (Math.abs(derivativeTimesZ) + Math.abs(value))
      ) {
        return { value, derivative: derivativeTimesZ / z };
      }
    }
  }
  throw new Error(`hyp2f1 series did not converge (a=${a}, b=${b}, c=${c}, z=${z})`);
}

/**
 * F at 1/2 < z < 1 by Taylor steps of the hypergeometric ODE from z = 1/2, tracking the
 * distance to 1 rather than z itself so that 1 − z keeps its full precision.
 */
function continueToward(a: number, b: number, c: number, oneMinusZ: number): number {
  let distance = 1 - SERIES_LIMIT;
  const start = series(a, b, c, SERIES_LIMIT);
  let w = start.value;
  let dw = start.derivative;
  while (distance > oneMinusZ) {
    const h = Math.min(distance - oneMinusZ, STEP_FRACTION * distance);
    [w, dw] = taylorStep(a, b, c, distance, w, dw, h);
    distance = h === distance - oneMinusZ ? oneMinusZ : distance - h;
  }
  return w;
}

/**
 * Advances (w, w′) from z₀ = 1 − distance to z₀ + h along the solution of the hypergeometric ODE, using the
 * recurrence of its Taylor coefficients about z₀. With p(z) = z(1 − z) = p₀ + p₁h − h² and
 * q(z) = c − (a + b + 1)z = q₀ + q₁h, the coefficient of hᵏ in the ODE gives
 * c_{k+2} = −[(p₁k + q₀)(k + 1)c_{k+1} + (−k(k − 1) + q₁k − ab)c_k] / (p₀(k + 2)(k + 1)).
 */
function taylorStep(
  a: number,
  b: number,
  c: number,
  distance: number,
  w: number,
  dw: number,
  h: number,
): [number, number] {
  const z0 = 1 - distance;
  const p0 = z0 * distance;
  const p1 = distance - z0;
  const q0 = c - (a + b + 1) * z0;
  const q1 = -(a + b + 1);
  const ab = a * b;
  // Coefficients scaled by powers of h: s_k = c_k hᵏ keeps every quantity O(1).
  let sPrev = w;
  let sCur = dw * h;
  let value = sPrev + sCur;
  let derivativeTimesH = sCur;
  let smallInARow = 0;
  for (let k = 0; k < TAYLOR_MAX_TERMS; k++) {
    const sNext =
      -((p1 * k + q0) * (k + 1) * sCur * h + (-k * (k - 1) + q1 * k - ab) * sPrev * h * h) /
      (p0 * (k + 2) * (k + 1));
    value += sNext;
    derivativeTimesH += (k + 2) * sNext;
    const small =
      Math.abs(sNext) <= EPSILON * Math.abs(value) &&
      (k + 2) * Math.abs(sNext) <= EPSILON * (Math.abs(derivativeTimesH) + Math.abs(value));
    smallInARow = small ? smallInARow + 1 : 0;
    if (smallInARow >= 3) return [value, derivativeTimesH / h];
    sPrev = sCur;
    sCur = sNext;
  }
  throw new Error(`hyp2f1 continuation did not converge (a=${a}, b=${b}, c=${c}, 1 − z=${distance - h})`);
}
