import { describe, expect, it } from 'vitest';
import { hyp2f1 } from './hypergeometric.js';

/** A rational number p/q, so the reference series can run in exact integer arithmetic. */
type Fraction = readonly [number, number];

const DIGITS = 90n;
const SCALE = 10n ** DIGITS;

/**
 * ₂F₁ by its defining series in fixed-point BigInt arithmetic with 90 decimal digits: slow, but
 * free of rounding and cancellation, so it is a reference for any sign of the parameters.
 */
function referenceHyp2f1(a: Fraction, b: Fraction, c: Fraction, z: Fraction): number {
  const [ap, aq] = a.map(BigInt) as [bigint, bigint];
  const [bp, bq] = b.map(BigInt) as [bigint, bigint];
  const [cp, cq] = c.map(BigInt) as [bigint, bigint];
  const [zp, zq] = z.map(BigInt) as [bigint, bigint];
  let term = SCALE;
  let sum = SCALE;
  const negligible = 10n ** (DIGITS - 40n);
  let belowInARow = 0;
  for (let n = 0n; n < 200_000n; n++) {
    // (a+n)(b+n)z / ((c+n)(n+1)) with a+n = (ap + n·aq)/aq, …
    const num = (ap + n * aq) * (bp + n * bq) * zp * cq;
    const den = (cp + n * cq) * (n + 1n) * zq * aq * bq;
    term = (term * num) / den;
    sum += term;
    const size = term < 0n ? -term : term;
    belowInARow = size < negligible && n > 50n ? belowInARow + 1 : 0;
    if (term === 0n || belowInARow > 5) break;
  }
  const whole = sum / SCALE;
  const fraction = sum - whole * SCALE;
  return Number(whole) + Number(fraction / 10n ** (DIGITS - 17n)) / 1e17;
}

const value = (f: Fraction) => f[0] / f[1];

function relativeError(got: number, want: number): number {
  return Math.abs(got - want) / Math.abs(want);
}

describe('hyp2f1', () => {
  it('equals −ln(1 − z)/z for ₂F₁(1, 1; 2; z) from 0 to within 1e−15 of 1', () => {
    for (const z of [1e-9, 0.1, 0.5, 0.50001, 0.7, 0.9, 0.99, 0.999999, 1 - 1e-12, 1 - 1e-15]) {
      const want = -Math.log1p(-z) / z;
      expect(relativeError(hyp2f1(1, 1, 2, z), want)).toBeLessThan(5e-14);
    }
  });

  it('equals (1 − z)^(−a) for ₂F₁(a, b; b; z), including near z = 1', () => {
    for (const [a, b] of [
      [0.7, 2.3],
      [3.5, 0.25],
      [-1.5, 4],
    ] as const) {
      for (const z of [0.3, 0.6, 0.95, 0.9999, 1 - 1e-10]) {
        expect(relativeError(hyp2f1(a, b, b, z), (1 - z) ** -a)).toBeLessThan(1e-12);
      }
    }
  });

  it('equals arcsin(√z)/√z for ₂F₁(½, ½; 3⁄2; z)', () => {
    for (const z of [0.2, 0.5, 0.75, 0.99, 1 - 1e-9]) {
      // arcsin(√z) as atan2(√z, √(1 − z)): well conditioned near z = 1, unlike Math.asin there.
      const s = Math.sqrt(z);
      expect(relativeError(hyp2f1(0.5, 0.5, 1.5, z), Math.atan2(s, Math.sqrt(1 - z)) / s)).toBeLessThan(
        1e-13,
      );
    }
  });

  it("approaches Gauss's sum Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) at z → 1 when c > a + b", () => {
    // ₂F₁(1, 1; 3; 1) = Γ(3)Γ(1)/(Γ(2)Γ(2)) = 2; the gap at 1 − ε is of order ε·ln ε.
    expect(hyp2f1(1, 1, 3, 1 - 1e-13)).toBeCloseTo(2, 10);
    // ₂F₁(½, ½; 2; 1) = Γ(2)Γ(1)/Γ(3⁄2)² = 4/π
    expect(hyp2f1(0.5, 0.5, 2, 1 - 1e-14)).toBeCloseTo(4 / Math.PI, 10);
  });

  it('takes 1 − z from the caller, so a z too close to 1 for a double keeps its precision', () => {
    const eps = 1e-11;
    // z = 1 − ε cannot be written exactly as a double, but 1 − z can be handed over.
    const want = -Math.log(eps) / (1 - eps);
    expect(relativeError(hyp2f1(1, 1, 2, 1 - eps, eps), want)).toBeLessThan(3e-14);
  });

  it('is a polynomial when a is a non-positive integer', () => {
    // ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    const [b, c, z] = [1.5, 2.5, 0.8];
    const want = 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1));
    expect(relativeError(hyp2f1(-2, b, c, z), want)).toBeLessThan(1e-15);
  });

  it('matches an exact-arithmetic series for mixed-sign parameters across [0, 1)', () => {
    const cases: [Fraction, Fraction, Fraction, Fraction][] = [
      [
        [1, 4],
        [5, 2],
        [13, 4],
        [9, 10],
      ],
      [
        [-7, 3],
        [5, 4],
        [1, 3],
        [4, 5],
      ],
      [
        [3, 2],
        [-1, 2],
        [7, 4],
        [97, 100],
      ],
      [
        [1, 1],
        [1, 1],
        [-1, 2],
        [3, 10],
      ],
      [
        [40, 1],
        [3, 2],
        [45, 1],
        [9, 10],
      ],
      // The BG/NBD argument pattern: ₂F₁(c−r−x, a−1; c; z), c = a+b+x−1, near the CDNOW fit.
      [
        [2949, 1000],
        [-207, 1000],
        [4219, 1000],
        [13, 25],
      ],
      [
        [2949, 1000],
        [-207, 1000],
        [4219, 1000],
        [99, 100],
      ],
      [
        [1, 5],
        [7, 10],
        [1, 1],
        [995, 1000],
      ],
    ];
    for (const [a, b, c, z] of cases) {
      const want = referenceHyp2f1(a, b, c, z);
      const got = hyp2f1(value(a), value(b), value(c), value(z));
      expect(relativeError(got, want), `₂F₁(${a}; ${b}; ${c}; ${z}) = ${want}, got ${got}`).toBeLessThan(
        1e-12,
      );
    }
  });

  it("uses Pfaff's transformation for z below −½ and agrees with the closed form there", () => {
    for (const z of [-0.3, -0.9, -5, -1e6]) {
      const want = Math.log1p(-z) / -z;
      expect(relativeError(hyp2f1(1, 1, 2, z), want)).toBeLessThan(1e-13);
    }
  });

  it('returns 1 at z = 0 and refuses z ≥ 1 and the poles c = 0, −1, …', () => {
    expect(hyp2f1(2.5, 3.5, 1.5, 0)).toBe(1);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -2, 0.3)).toThrow(RangeError);
    expect(hyp2f1(-1, 1, -2, 0.3)).toBeCloseTo(1 + 0.3 / 2, 15);
  });
});
