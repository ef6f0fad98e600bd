/**
 * A journey's steps as a graph: where each step leads, which steps can be reached, which loops
 * have no wait in them, and which message a reaction branch looks at. journeyDefinition.ts uses
 * it to check a file, journeyEngine.ts and journeySimulation.ts to walk it.
 *
 * Steps run in the order written unless a step names its `next`; running off the last step
 * leads to `END`. A branch leads to `then` and `else`, a split to each variant's `next`.
 */
import { type BranchCondition, END, type JourneyDefinition, type JourneyStep } from './journeyTypes.js';

export interface JourneyGraph {
  steps: readonly JourneyStep[];
  /** Step id → index in `steps` (the first one when an id repeats). */
  indexById: ReadonlyMap<string, number>;
  /** For each step (by index): the ids it may lead to, `END` included, in the order written. */
  successors: readonly (readonly string[])[];
  /** For each step (by index): the indexes of the steps that may lead to it. */
  predecessors: readonly (readonly number[])[];
}

const graphs = new WeakMap<readonly JourneyStep[], JourneyGraph>();

/** Where a send, task, wait or holdout step goes: its `next`, else the step written after it, else END. */
export function implicitNext(steps: readonly JourneyStep[], index: number): string {
  const step = steps[index];
  if (step !== undefined && 'next' in step && step.next !== undefined) return step.next;
  return steps[index + 1]?.id ?? END;
}

/** The ids a step may lead to (END included). */
export function stepTargets(steps: readonly JourneyStep[], index: number): string[] {
  const step = steps[index];
  if (step === undefined) return [];
  switch (step.type) {
    case 'branch':
      return [step.then, step.else];
    case 'split':
      return step.variants.map((variant) => variant.next);
    default:
      return [implicitNext(steps, index)];
  }
}

/**
 * The graph of a journey's steps, computed once per steps array (journeys are read-only values;
 * the engine asks for it on every advance).
 *
 * @example journeyGraph(def).indexById.get('day3-email') // 4
 */
export function journeyGraph(def: Pick<JourneyDefinition, 'steps'>): JourneyGraph {
  const cached = graphs.get(def.steps);
  if (cached !== undefined) return cached;
  const steps = def.steps;
  const indexById = new Map<string, number>();
  steps.forEach((step, index) => {
    if (!indexById.has(step.id)) indexById.set(step.id, index);
  });
  const successors = steps.map((_, index) => stepTargets(steps, index));
  const predecessors: number[][] = steps.map(() => []);
  successors.forEach((targets, from) => {
    for (const target of new Set(targets)) {
      const to = indexById.get(target);
      if (to !== undefined) predecessors[to]?.push(from);
    }
  });
  const graph: JourneyGraph = { steps, indexById, successors, predecessors };
  graphs.set(steps, graph);
  return graph;
}

/** Indexes of the steps reachable from `from` (itself included), following successors. */
export function reachableFrom(graph: JourneyGraph, from: number): Set<number> {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const index = stack.pop() as number;
    for (const target of graph.successors[index] ?? []) {
      const to = graph.indexById.get(target);
      if (to !== undefined && !seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return seen;
}

/** True when a customer at step `from` can later arrive at step `to` (a step reaches itself only round a loop). */
export function canReach(graph: JourneyGraph, from: number, to: number): boolean {
  for (const target of graph.successors[from] ?? []) {
    const next = graph.indexById.get(target);
    if (next !== undefined && reachableFrom(graph, next).has(to)) return true;
  }
  return false;
}

/**
 * The send steps that may run last before the step at `index`: walking back from it, the first
 * send step on each way in. A reaction branch without a `step` looks at this message, so the
 * definition check requires exactly one.
 *
 * @example sendsJustBefore(graph, graph.indexById.get('day1-reacted')) // [1] (day1-email)
 */
export function sendsJustBefore(graph: JourneyGraph, index: number): number[] {
  const found = new Set<number>();
  const seen = new Set<number>();
  const stack = [...(graph.predecessors[index] ?? [])];
  while (stack.length > 0) {
    const from = stack.pop() as number;
    if (seen.has(from)) continue;
    seen.add(from);
    if (graph.steps[from]?.type === 'send') {
      found.add(from);
      continue;
    }
    stack.push(...(graph.predecessors[from] ?? []));
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The message a reaction branch looks at: its `step`, else the only send step that can run just
 * before it; null when there is none or several (parseJourneySource rejects both).
 */
export function reactionStepId(graph: JourneyGraph, branchIndex: number): string | null {
  const step = graph.steps[branchIndex];
  if (step?.type !== 'branch' || !('reaction' in step.if)) return null;
  if (step.if.step !== undefined) return step.if.step;
  const sends = sendsJustBefore(graph, branchIndex);
  return sends.length === 1 ? (graph.steps[sends[0] as number]?.id ?? null) : null;
}

/**
 * Loops a customer could run round without passing a wait step (they would never stop): the
 * strongly connected groups of steps once wait steps are taken out (Tarjan's algorithm), each as
 * step indexes in the order written.
 */
export function waitlessLoops(graph: JourneyGraph): number[][] {
  const n = graph.steps.length;
  const order: number[] = new Array(n).fill(-1);
  const low: number[] = new Array(n).fill(0);
  const onStack: boolean[] = new Array(n).fill(false);
  const stack: number[] = [];
  const loops: number[][] = [];
  let counter = 0;
  const isWait = (index: number) => graph.steps[index]?.type === 'wait';
  const next = (index: number): number[] =>
    (graph.successors[index] ?? [])
      .map((target) => graph.indexById.get(target))
      .filter((to): to is number => to !== undefined && !isWait(to));

  const visit = (start: number) => {
    // Iterative Tarjan: each frame is a step and the position in its successor list.
    const frames: { index: number; targets: number[]; at: number }[] = [];
    const open = (index: number) => {
      order[index] = counter;
      low[index] = counter;
      counter += 1;
      stack.push(index);
      onStack[index] = true;
      frames.push({ index, targets: next(index), at: 0 });
    };
    open(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as (typeof frames)[number];
      if (frame.at < frame.targets.length) {
        const to = frame.targets[frame.at] as number;
        frame.at += 1;
        if (order[to] === -1) open(to);
        else if (onStack[to]) low[frame.index] = Math.min(low[frame.index] as number, order[to] as number);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) {
        low[parent.index] = Math.min(low[parent.index] as number, low[frame.index] as number);
      }
      if (low[frame.index] === order[frame.index]) {
        const group: number[] = [];
        let member: number;
        do {
          member = stack.pop() as number;
          onStack[member] = false;
          group.push(member);
        } while (member !== frame.index);
        const selfLoop = group.length === 1 && next(frame.index).includes(frame.index);
        if (group.length > 1 || selfLoop) loops.push(group.sort((a, b) => a - b));
      }
    }
  };

  for (let index = 0; index < n; index += 1) {
    if (order[index] === -1 && !isWait(index)) visit(index);
  }
  return loops.sort((a, b) => (a[0] as number) - (b[0] as number));
}

/**
 * A branch step. `then` is the journey file's field name; linters take an object literal with a
 * `then` for a thenable, so code that builds branches goes through here.
 *
 * @example branchStep('day1-reacted', { reaction: 'opened' }, 'day3-email', 'end')
 */
export function branchStep(
  id: string,
  condition: BranchCondition,
  thenId: string,
  elseId: string,
): Extract<JourneyStep, { type: 'branch' }> {
  // biome-ignore lint/suspicious/noThenProperty: the journey format's branch field, not a thenable
  return { id, type: 'branch', if: condition, then: thenId, else: elseId };
}
