import { describe, expect, it } from 'vitest';
import {
  branchStep,
  canReach,
  implicitNext,
  journeyGraph,
  reachableFrom,
  reactionStepId,
  sendsJustBefore,
  stepTargets,
  waitlessLoops,
} from './journeyGraph.js';
import type { JourneyStep } from './journeyTypes.js';

const steps: JourneyStep[] = [
  { id: 'mail', type: 'send', channel: 'email', template: 'winback-value-email' },
  { id: 'wait', type: 'wait', days: 2 },
  branchStep('reacted', { reaction: 'opened' }, 'call', 'resend'),
  { id: 'resend', type: 'send', channel: 'email', template: 'winback-value-resend-email', next: 'wait2' },
  { id: 'call', type: 'task', kind: 'call', next: 'end' },
  { id: 'wait2', type: 'wait', days: 3 },
  branchStep('reacted2', { reaction: 'clicked' }, 'call', 'end'),
];

describe('journeyGraph', () => {
  const graph = journeyGraph({ steps });

  it('follows next, else the step written after, else the end', () => {
    expect(implicitNext(steps, 0)).toBe('wait');
    expect(implicitNext(steps, 3)).toBe('wait2');
    expect(implicitNext(steps, 4)).toBe('end');
    expect(stepTargets(steps, 2)).toEqual(['call', 'resend']);
    expect(implicitNext([{ id: 'only', type: 'wait', days: 1 }], 0)).toBe('end');
  });

  it('knows who leads to whom', () => {
    expect(graph.predecessors[4]).toEqual([2, 6]);
    expect([...reachableFrom(graph, 0)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(canReach(graph, 0, 6)).toBe(true);
    expect(canReach(graph, 6, 0)).toBe(false);
    expect(canReach(graph, 0, 0)).toBe(false);
  });

  it('is computed once per steps array', () => {
    expect(journeyGraph({ steps })).toBe(graph);
  });

  it('finds the message a reaction branch looks at by default', () => {
    expect(sendsJustBefore(graph, 2)).toEqual([0]);
    expect(sendsJustBefore(graph, 6)).toEqual([3]);
    expect(reactionStepId(graph, 2)).toBe('mail');
    expect(reactionStepId(graph, 6)).toBe('resend');
    expect(reactionStepId(graph, 0)).toBeNull();
  });

  it('finds loops that pass no wait step, and not those that do', () => {
    expect(waitlessLoops(graph)).toEqual([]);
    const looping: JourneyStep[] = [
      { id: 'a', type: 'send', channel: 'email', template: 't' },
      branchStep('b', { rank: ['A'] }, 'a', 'c'),
      { id: 'c', type: 'wait', days: 1 },
      branchStep('d', { rank: ['B'] }, 'c', 'e'),
      { id: 'e', type: 'task', kind: 'call', next: 'e' },
    ];
    expect(waitlessLoops(journeyGraph({ steps: looping }))).toEqual([[0, 1], [4]]);
  });
});
