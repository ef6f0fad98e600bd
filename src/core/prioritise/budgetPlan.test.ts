import { describe, expect, it } from 'vitest';
import { type PlanCandidate, type PlanLimits, planWithinBudget } from './budgetPlan.js';

function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNEL_BUNDLES = [
  { id: 'email', costYen: 1_000, repHours: 0 },
  { id: 'email+dm', costYen: 6_000, repHours: 0 },
  { id: 'phone', costYen: 10_000, repHours: 0.5 },
  { id: 'phone+visit', costYen: 60_000, repHours: 3.5 },
];

/** Random candidates with seed-like channel costs and expected values. */
function randomCase(seed: number, customers: number, withHours: boolean) {
  const random = seededRandom(seed);
  const candidates: PlanCandidate[] = Array.from({ length: customers }, (_, i) => ({
    customerId: `K-${i}`,
    options: CHANNEL_BUNDLES.filter(() => random() < 0.75).map((b) => ({
      ...b,
      repHours: withHours ? b.repHours : 0,
      expectedValueYen: Math.round(random() * b.costYen * 3) - b.costYen / 2,
    })),
  }));
  const limits: PlanLimits = {
    budgetYen: Math.round(random() * 120) * 1_000,
    repHours: withHours ? Math.round(random() * 10) / 2 : null,
  };
  return { candidates, limits };
}

/** Every combination of at most one option per customer. */
function bruteForce(candidates: readonly PlanCandidate[], limits: PlanLimits): number {
  let best = 0;
  const hours = limits.repHours ?? Number.POSITIVE_INFINITY;
  const walk = (i: number, yen: number, h: number, value: number) => {
    if (yen > limits.budgetYen + 1e-9 || h > hours + 1e-9) return;
    if (i === candidates.length) {
      best = Math.max(best, value);
      return;
    }
    walk(i + 1, yen, h, value);
    for (const o of (candidates[i] as PlanCandidate).options)
      walk(i + 1, yen + o.costYen, h + o.repHours, value + o.expectedValueYen);
  };
  walk(0, 0, 0, 0);
  return best;
}

function assertFeasible(plan: ReturnType<typeof planWithinBudget>, limits: PlanLimits) {
  expect(plan.spentYen).toBeLessThanOrEqual(limits.budgetYen + 1e-9);
  if (limits.repHours != null) expect(plan.usedRepHours).toBeLessThanOrEqual(limits.repHours + 1e-9);
  const ids = plan.choices.map((c) => c.customerId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const c of plan.choices) expect(c.option.expectedValueYen).toBeGreaterThan(0);
}

describe('planWithinBudget', () => {
  it('matches brute force exactly on 300 small random cases with yen and rep-hour limits', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { candidates, limits } = randomCase(seed, 1 + (seed % 7), seed % 2 === 0);
      const plan = planWithinBudget(candidates, limits);
      expect(plan.method).toBe('exact');
      assertFeasible(plan, limits);
      expect(plan.totalExpectedValueYen).toBeCloseTo(bruteForce(candidates, limits), 6);
    }
  });

  it('keeps the greedy plan within half of the optimum when only the yen budget binds', () => {
    let worst = 1;
    let sum = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { candidates, limits } = randomCase(seed, 1 + (seed % 7), false);
      const plan = planWithinBudget(candidates, limits, { method: 'greedy' });
      assertFeasible(plan, limits);
      const optimum = bruteForce(candidates, limits);
      const ratio = optimum === 0 ? 1 : plan.totalExpectedValueYen / optimum;
      worst = Math.min(worst, ratio);
      sum += ratio;
    }
    expect(worst).toBeGreaterThanOrEqual(0.5);
    expect(sum / 300).toBeGreaterThan(0.95);
  });

  it('keeps the greedy plan feasible and close to the optimum with both limits (heuristic)', () => {
    let sum = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { candidates, limits } = randomCase(seed, 1 + (seed % 7), true);
      const plan = planWithinBudget(candidates, limits, { method: 'greedy' });
      assertFeasible(plan, limits);
      expect(plan.guarantee).toMatch(/no proven bound|half/);
      const optimum = bruteForce(candidates, limits);
      sum += optimum === 0 ? 1 : plan.totalExpectedValueYen / optimum;
    }
    expect(sum / 300).toBeGreaterThan(0.9);
  });

  it('reports totals and what is left', () => {
    const candidates: PlanCandidate[] = [
      {
        customerId: 'A',
        options: [
          { id: 'email', costYen: 1_000, repHours: 0, expectedValueYen: 9_000 },
          { id: 'phone+visit', costYen: 60_000, repHours: 3.5, expectedValueYen: 80_000 },
        ],
      },
      {
        customerId: 'B',
        options: [{ id: 'phone', costYen: 10_000, repHours: 0.5, expectedValueYen: 15_000 }],
      },
    ];
    const plan = planWithinBudget(candidates, { budgetYen: 70_000, repHours: 3.5 });
    expect(plan.choices.map((c) => [c.customerId, c.option.id])).toEqual([['A', 'phone+visit']]);
    expect(plan).toMatchObject({
      spentYen: 60_000,
      unspentYen: 10_000,
      usedRepHours: 3.5,
      unusedRepHours: 0,
      notChosen: 1,
    });
    const moreHours = planWithinBudget(candidates, { budgetYen: 70_000, repHours: 4 });
    expect(moreHours.totalExpectedValueYen).toBe(95_000);
    expect(moreHours.method).toBe('exact');
  });

  it('plans nothing for an empty list, a zero budget or only losing approaches', () => {
    expect(planWithinBudget([], { budgetYen: 100_000 })).toMatchObject({
      choices: [],
      totalExpectedValueYen: 0,
      unspentYen: 100_000,
    });
    const losing: PlanCandidate[] = [
      { customerId: 'A', options: [{ id: 'visit', costYen: 50_000, repHours: 3, expectedValueYen: -1 }] },
    ];
    expect(planWithinBudget(losing, { budgetYen: 100_000 }).choices).toEqual([]);
    const costly: PlanCandidate[] = [
      { customerId: 'A', options: [{ id: 'email', costYen: 1_000, repHours: 0, expectedValueYen: 5 }] },
    ];
    expect(planWithinBudget(costly, { budgetYen: 0 })).toMatchObject({
      choices: [],
      notChosen: 1,
      unusedRepHours: null,
    });
  });

  it('takes free approaches even with no budget', () => {
    const free: PlanCandidate[] = [
      { customerId: 'A', options: [{ id: 'email', costYen: 0, repHours: 0, expectedValueYen: 100 }] },
    ];
    expect(planWithinBudget(free, { budgetYen: 0 }).totalExpectedValueYen).toBe(100);
    expect(planWithinBudget(free, { budgetYen: 0 }, { method: 'greedy' }).totalExpectedValueYen).toBe(100);
  });

  it('switches to the greedy method when the exact state space is too large', () => {
    const { candidates, limits } = randomCase(9, 6, true);
    const plan = planWithinBudget(candidates, limits, { exactStateLimit: 10 });
    expect(plan.method).toBe('greedy');
    expect(() => planWithinBudget(candidates, limits, { method: 'exact', exactStateLimit: 10 })).toThrow(
      RangeError,
    );
  });

  it('rejects a negative budget', () => {
    expect(() => planWithinBudget([], { budgetYen: -1 })).toThrow(/budget and rep-hours of 0 or more/);
  });

  it('plans 20,000 customers with the greedy method within the budget', () => {
    const random = seededRandom(77);
    const candidates: PlanCandidate[] = Array.from({ length: 20_000 }, (_, i) => ({
      customerId: `K-${i}`,
      options: CHANNEL_BUNDLES.map((b) => ({ ...b, expectedValueYen: Math.round(random() * b.costYen * 2) })),
    }));
    const limits = { budgetYen: 5_000_000, repHours: 160 };
    const plan = planWithinBudget(candidates, limits);
    expect(plan.method).toBe('greedy');
    assertFeasible(plan, limits);
    expect(plan.unspentYen).toBeLessThan(60_000);
  });
});
