/**
 * Whom to approach, and how, within a budget (`mezame plan --budget YEN [--rep-hours H]`): choose at
 * most one approach (a channel bundle) per customer to maximise the total expected value while the
 * yen spent and the reps' hours stay within their limits. This is a multiple-choice knapsack with
 * one or two capacity dimensions.
 *
 * - `exact`: dynamic programming over the capacity, with yen in units of the greatest common
 *   divisor of the costs and the budget (¥1,000 with the seed's channel costs) and rep-hours in
 *   units of the gcd of the hours (to 0.01 h). Optimal. Used when customers × capacity states stays
 *   under `exactStateLimit`.
 * - `greedy`: per customer, the LP-dominance hull of its options; upgrades taken in order of
 *   expected value per unit of (normalised) cost while they fit; then a fix-up pass that spends
 *   what is left on the best remaining upgrades; finally compared with the best single approach.
 *   With only the yen budget binding (no rep-hour limit, or approaches that take no rep time) this
 *   is at least half the optimum (Sinha & Zoltners 1979: the LP-greedy solution plus the split item
 *   bound the LP optimum). With both limits binding it is a heuristic without a proven bound.
 */

export interface PlanOption {
  id: string;
  costYen: number;
  repHours: number;
  expectedValueYen: number;
}

export interface PlanCandidate<O extends PlanOption = PlanOption> {
  customerId: string;
  options: readonly O[];
}

export interface PlanLimits {
  budgetYen: number;
  /** Rep-hours available; null or undefined for no limit. */
  repHours?: number | null;
}

export interface PlanChoice<O extends PlanOption = PlanOption> {
  customerId: string;
  option: O;
}

export interface Plan<O extends PlanOption = PlanOption> {
  method: 'exact' | 'greedy';
  guarantee: string;
  choices: PlanChoice<O>[];
  totalExpectedValueYen: number;
  spentYen: number;
  usedRepHours: number;
  unspentYen: number;
  /** Null without a rep-hour limit. */
  unusedRepHours: number | null;
  /** Candidates left out (no approach with a positive expected value fits, or the budget ran out). */
  notChosen: number;
}

export interface PlanSettings {
  method?: 'auto' | 'exact' | 'greedy';
  /** Upper bound on customers × capacity states for the exact method (memory: one byte each). */
  exactStateLimit?: number;
}

export const DEFAULT_EXACT_STATE_LIMIT = 5_000_000;
const HOUR_RESOLUTION = 100;
const EPSILON = 1e-9;

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y > 0) [x, y] = [y, x % y];
  return x;
}

interface Prepared<O extends PlanOption> {
  customerId: string;
  options: O[];
}

/** Options with a positive expected value that fit the limits on their own. */
function prepare<O extends PlanOption>(
  candidates: readonly PlanCandidate<O>[],
  limits: PlanLimits,
): Prepared<O>[] {
  const hours = limits.repHours ?? Number.POSITIVE_INFINITY;
  return candidates
    .map((c) => ({
      customerId: c.customerId,
      options: c.options.filter(
        (o) =>
          o.expectedValueYen > 0 &&
          o.costYen >= 0 &&
          o.repHours >= 0 &&
          o.costYen <= limits.budgetYen + EPSILON &&
          o.repHours <= hours + EPSILON,
      ),
    }))
    .filter((c) => c.options.length > 0);
}

function summarise<O extends PlanOption>(
  method: Plan['method'],
  guarantee: string,
  choices: PlanChoice<O>[],
  limits: PlanLimits,
  candidateCount: number,
): Plan<O> {
  const spentYen = choices.reduce((s, c) => s + c.option.costYen, 0);
  const usedRepHours = choices.reduce((s, c) => s + c.option.repHours, 0);
  return {
    method,
    guarantee,
    choices,
    totalExpectedValueYen: choices.reduce((s, c) => s + c.option.expectedValueYen, 0),
    spentYen,
    usedRepHours,
    unspentYen: limits.budgetYen - spentYen,
    unusedRepHours: limits.repHours == null ? null : limits.repHours - usedRepHours,
    notChosen: candidateCount - choices.length,
  };
}

interface Grid {
  yenUnit: number;
  hourUnit: number;
  yenSteps: number;
  hourSteps: number;
}

function exactGrid(prepared: readonly Prepared<PlanOption>[], limits: PlanLimits): Grid | null {
  const costs = prepared.flatMap((c) => c.options.map((o) => o.costYen));
  if (!costs.every(Number.isInteger) || !Number.isFinite(limits.budgetYen)) return null;
  const yenUnit = costs.reduce(gcd, 0) || 1;
  const hasHourLimit = limits.repHours != null && prepared.some((c) => c.options.some((o) => o.repHours > 0));
  let hourUnit = 1;
  let hourSteps = 1;
  if (hasHourLimit) {
    const hundredths = prepared.flatMap((c) =>
      c.options.map((o) => Math.round(o.repHours * HOUR_RESOLUTION)),
    );
    hourUnit = hundredths.reduce(gcd, 0) || 1;
    hourSteps = Math.floor(((limits.repHours as number) * HOUR_RESOLUTION + EPSILON) / hourUnit) + 1;
  }
  const yenSteps = Math.floor(limits.budgetYen / yenUnit + EPSILON) + 1;
  return { yenUnit, hourUnit: hasHourLimit ? hourUnit : 0, yenSteps, hourSteps };
}

function planExact<O extends PlanOption>(prepared: readonly Prepared<O>[], grid: Grid): PlanChoice<O>[] {
  const { yenUnit, hourUnit, yenSteps, hourSteps } = grid;
  const states = yenSteps * hourSteps;
  const best = new Float64Array(states);
  const choice = new Uint8Array(prepared.length * states);
  const weights = prepared.map((c) =>
    c.options.map((o) => ({
      y: Math.round(o.costYen / yenUnit),
      h: hourUnit === 0 ? 0 : Math.round((o.repHours * HOUR_RESOLUTION) / hourUnit),
      ev: o.expectedValueYen,
    })),
  );
  for (let i = 0; i < prepared.length; i++) {
    const options = weights[i] as { y: number; h: number; ev: number }[];
    const base = i * states;
    // Descending over the flattened (yen, hours) index: best[s − cost] still holds the previous
    // customer's value, so each customer contributes at most one option.
    for (let y = yenSteps - 1; y >= 0; y--) {
      for (let h = hourSteps - 1; h >= 0; h--) {
        const s = y * hourSteps + h;
        let value = best[s] as number;
        let chosen = 0;
        for (let k = 0; k < options.length; k++) {
          const o = options[k] as { y: number; h: number; ev: number };
          if (o.y > y || o.h > h) continue;
          const candidate = (best[s - o.y * hourSteps - o.h] as number) + o.ev;
          if (candidate > value + EPSILON) {
            value = candidate;
            chosen = k + 1;
          }
        }
        best[s] = value;
        choice[base + s] = chosen;
      }
    }
  }
  const out: PlanChoice<O>[] = [];
  let y = yenSteps - 1;
  let h = hourSteps - 1;
  for (let i = prepared.length - 1; i >= 0; i--) {
    const k = choice[i * states + y * hourSteps + h] as number;
    if (k === 0) continue;
    const candidate = prepared[i] as Prepared<O>;
    const w = (weights[i] as { y: number; h: number }[])[k - 1] as { y: number; h: number };
    out.push({ customerId: candidate.customerId, option: candidate.options[k - 1] as O });
    y -= w.y;
    h -= w.h;
  }
  return out.reverse();
}

interface Step {
  customer: number;
  /** Position on the customer's hull this step reaches (1 = first option). */
  level: number;
  efficiency: number;
}

function planGreedy<O extends PlanOption>(
  prepared: readonly Prepared<O>[],
  limits: PlanLimits,
): PlanChoice<O>[] {
  const hourLimit = limits.repHours ?? Number.POSITIVE_INFINITY;
  const hasHourLimit = Number.isFinite(hourLimit);
  const normalised = (o: PlanOption) =>
    o.costYen / Math.max(limits.budgetYen, 1) +
    (hasHourLimit ? o.repHours / Math.max(hourLimit, EPSILON) : 0);

  // Upper concave hull of each customer's options over normalised cost, starting at "no approach".
  const hulls = prepared.map((c) => {
    const sorted = [...c.options].sort(
      (a, b) => normalised(a) - normalised(b) || b.expectedValueYen - a.expectedValueYen,
    );
    const hull: { cost: number; ev: number; option: O | null }[] = [{ cost: 0, ev: 0, option: null }];
    for (const option of sorted) {
      const point = { cost: normalised(option), ev: option.expectedValueYen, option };
      if (point.ev <= (hull.at(-1) as { ev: number }).ev + EPSILON) continue;
      while (hull.length >= 2) {
        const a = hull[hull.length - 2] as { cost: number; ev: number };
        const b = hull[hull.length - 1] as { cost: number; ev: number };
        // Drop b when it lies on or below the segment a → point.
        const cross = (b.cost - a.cost) * (point.ev - a.ev) - (b.ev - a.ev) * (point.cost - a.cost);
        if (cross >= -EPSILON) hull.pop();
        else break;
      }
      if ((hull.at(-1) as { cost: number }).cost === point.cost) hull.pop();
      hull.push(point);
    }
    return hull;
  });
  const steps: Step[] = [];
  hulls.forEach((hull, customer) => {
    for (let level = 1; level < hull.length; level++) {
      const from = hull[level - 1] as { cost: number; ev: number };
      const to = hull[level] as { cost: number; ev: number };
      const dc = to.cost - from.cost;
      steps.push({
        customer,
        level,
        efficiency: dc <= EPSILON ? Number.POSITIVE_INFINITY : (to.ev - from.ev) / dc,
      });
    }
  });
  steps.sort((a, b) => b.efficiency - a.efficiency || a.customer - b.customer || a.level - b.level);

  const current: (O | null)[] = prepared.map(() => null);
  const level = prepared.map(() => 0);
  let yenLeft = limits.budgetYen;
  let hoursLeft = hourLimit;
  const fits = (from: O | null, to: O) =>
    to.costYen - (from?.costYen ?? 0) <= yenLeft + EPSILON &&
    to.repHours - (from?.repHours ?? 0) <= hoursLeft + EPSILON;
  const move = (customer: number, to: O) => {
    const from = current[customer] ?? null;
    yenLeft -= to.costYen - (from?.costYen ?? 0);
    hoursLeft -= to.repHours - (from?.repHours ?? 0);
    current[customer] = to;
  };
  for (const step of steps) {
    if (level[step.customer] !== step.level - 1) continue;
    const to = (hulls[step.customer] as { option: O | null }[])[step.level]?.option as O;
    if (!fits(current[step.customer] ?? null, to)) continue;
    move(step.customer, to);
    level[step.customer] = step.level;
  }

  // Fix-up: spend what is left on the best remaining upgrades (any option, not only the hull's).
  const upgrades: { customer: number; option: O; gain: number }[] = [];
  prepared.forEach((c, customer) => {
    const now = current[customer]?.expectedValueYen ?? 0;
    for (const option of c.options) {
      if (option.expectedValueYen > now + EPSILON)
        upgrades.push({ customer, option, gain: option.expectedValueYen - now });
    }
  });
  upgrades.sort((a, b) => b.gain - a.gain);
  for (const upgrade of upgrades) {
    const from = current[upgrade.customer] ?? null;
    if (upgrade.option.expectedValueYen <= (from?.expectedValueYen ?? 0) + EPSILON) continue;
    if (fits(from, upgrade.option)) move(upgrade.customer, upgrade.option);
  }

  const choices: PlanChoice<O>[] = [];
  current.forEach((option, customer) => {
    if (option !== null) choices.push({ customerId: (prepared[customer] as Prepared<O>).customerId, option });
  });
  // The best single approach alone completes the half-optimum guarantee.
  const total = choices.reduce((s, c) => s + c.option.expectedValueYen, 0);
  let single: PlanChoice<O> | null = null;
  for (const c of prepared) {
    for (const option of c.options) {
      if (single === null || option.expectedValueYen > single.option.expectedValueYen)
        single = { customerId: c.customerId, option };
    }
  }
  return single !== null && single.option.expectedValueYen > total + EPSILON ? [single] : choices;
}

/**
 * Chooses at most one approach per customer to maximise total expected value within the yen
 * budget and rep-hours.
 *
 * @example
 * planWithinBudget(
 *   [{ customerId: 'K-1', options: [{ id: 'email', costYen: 1_000, repHours: 0, expectedValueYen: 9_000 },
 *                                    { id: 'phone+visit', costYen: 60_000, repHours: 3.5, expectedValueYen: 80_000 }] }],
 *   { budgetYen: 50_000, repHours: 10 },
 * ).choices // → [{ customerId: 'K-1', option: { id: 'email', … } }]
 */
export function planWithinBudget<O extends PlanOption>(
  candidates: readonly PlanCandidate<O>[],
  limits: PlanLimits,
  settings: PlanSettings = {},
): Plan<O> {
  if (!(limits.budgetYen >= 0) || (limits.repHours != null && !(limits.repHours >= 0))) {
    throw new RangeError(
      `expected a budget and rep-hours of 0 or more, got ${limits.budgetYen} and ${limits.repHours}`,
    );
  }
  const prepared = prepare(candidates, limits);
  const method = settings.method ?? 'auto';
  const limit = settings.exactStateLimit ?? DEFAULT_EXACT_STATE_LIMIT;
  const grid = method === 'greedy' ? null : exactGrid(prepared, limits);
  const isExactFeasible =
    grid !== null &&
    prepared.every((c) => c.options.length < 256) &&
    prepared.length * grid.yenSteps * grid.hourSteps <= limit;
  if (method === 'exact' && !isExactFeasible) {
    throw new RangeError(
      'the exact plan needs integer yen costs and at most exactStateLimit customers × capacity states; use method auto or greedy',
    );
  }
  if (isExactFeasible && grid !== null) {
    const hourText =
      grid.hourUnit === 0 ? '' : ` and rep-hours in units of ${grid.hourUnit / HOUR_RESOLUTION} h`;
    return summarise(
      'exact',
      `optimal: dynamic programming over yen in units of ¥${grid.yenUnit}${hourText}`,
      planExact(prepared, grid),
      limits,
      candidates.length,
    );
  }
  const isOneDimensional =
    limits.repHours == null || prepared.every((c) => c.options.every((o) => o.repHours === 0));
  const guarantee = isOneDimensional
    ? 'greedy by expected value per yen with fix-up: at least half of the optimum'
    : 'greedy by expected value per normalised yen + rep-hour cost with fix-up: a heuristic, no proven bound with two limits';
  return summarise('greedy', guarantee, planGreedy(prepared, limits), limits, candidates.length);
}
