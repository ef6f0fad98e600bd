import { describe, expect, it } from 'vitest';
import { parseJourneySource } from './journeyDefinition.js';
import { advanceEnrolment, startEnrolment } from './journeyEngine.js';
import { SHIPPED_JOURNEYS, shippedJourney, shippedJourneySource } from './journeyLibrary.js';
import type { EnrolmentFacts, JourneyDefinition } from './journeyTypes.js';
import { SHIPPED_TEMPLATES } from './templateLibrary.js';

const sendTemplates = (def: JourneyDefinition) =>
  def.steps.flatMap((step) => (step.type === 'send' ? [step.template] : []));

describe('SHIPPED_JOURNEYS', () => {
  it('ships the journeys ACT.md lists, each once', () => {
    expect(SHIPPED_JOURNEYS.map((j) => j.id)).toEqual([
      'winback-basic',
      'winback-price',
      'winback-product',
      'winback-environment',
      'pricing-page-alert',
      'improvement-reapproach',
    ]);
  });

  for (const journey of SHIPPED_JOURNEYS) {
    it(`${journey.id}: its own JSON source passes parseJourneySource and gives the same definition`, () => {
      const source = shippedJourneySource(journey.id) as string;
      const templates = SHIPPED_TEMPLATES.map((t) => ({ id: t.id, channel: t.channel }));
      expect(parseJourneySource(source, 'json', { templates })).toEqual({ ok: true, definition: journey });
    });

    it(`${journey.id}: has a Japanese name and description`, () => {
      expect(journey.name).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(journey.description).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    });
  }

  it('names the seed example 1 journey by its days', () => {
    expect(shippedJourney('winback-basic')?.name).toBe('基本の掘り起こしシナリオ(1・3・7・10・14・21日目)');
  });

  it('sends the seed example 1 messages in day order', () => {
    expect(sendTemplates(shippedJourney('winback-basic') as JourneyDefinition)).toEqual([
      'winback-value-email',
      'winback-whats-new-email',
      'winback-value-resend-email',
      'winback-case-study-email',
      'winback-offer-email',
      'winback-final-offer-email',
    ]);
  });

  it('gives each reason its three seed messages and its audience', () => {
    const expected: Record<string, { reason: string; templates: string[] }> = {
      'winback-price': {
        reason: 'price',
        templates: ['price-savings-email', 'price-roi-email', 'price-plan-email'],
      },
      'winback-product': {
        reason: 'product',
        templates: ['product-new-features-email', 'product-improvements-email', 'product-free-upgrade-email'],
      },
      'winback-environment': {
        reason: 'environment',
        templates: ['environment-new-contact-email', 'environment-review-email', 'environment-meeting-email'],
      },
    };
    for (const [id, { reason, templates }] of Object.entries(expected)) {
      const journey = shippedJourney(id) as JourneyDefinition;
      expect(journey.audience?.reasons).toEqual([reason]);
      expect(sendTemplates(journey)).toEqual(templates);
      expect(journey.steps.filter((s) => s.type === 'task').map((s) => s.type === 'task' && s.kind)).toEqual([
        'call',
      ]);
    }
  });

  it('alerts sales when a dormant customer views the pricing page three times in a week', () => {
    const journey = shippedJourney('pricing-page-alert') as JourneyDefinition;
    expect(journey.trigger).toEqual({
      type: 'behaviour',
      event: 'web_visit',
      url_contains: '/pricing',
      min_count: 3,
      within_days: 7,
    });
    expect(journey.steps).toMatchObject([{ type: 'task', kind: 'call' }]);
  });

  it('re-approaches with the improvement email, then a call', () => {
    const journey = shippedJourney('improvement-reapproach') as JourneyDefinition;
    expect(journey.trigger).toEqual({ type: 'change_resolved' });
    expect(journey.steps.map((s) => s.type)).toEqual(['send', 'wait', 'task']);
    expect(sendTemplates(journey)).toEqual(['improvement-fixed-email']);
  });

  it('calls a price customer three days after a click, and not before', () => {
    const journey = shippedJourney('winback-price') as JourneyDefinition;
    const entry = new Date('2026-12-01T00:00:00Z');
    const facts = (clicked: string[]): EnrolmentFacts => ({
      status: 'mid_dormant',
      rank: 'B',
      reason: 'price',
      openedSteps: [],
      clickedSteps: clicked,
      purchasedSince: false,
      unsubscribedSince: false,
      repliedSince: false,
    });
    const first = advanceEnrolment(journey, startEnrolment(journey, 'C1', entry), facts([]), entry);
    expect(first.actions.filter((a) => a.type === 'send').map((a) => a.stepId)).toEqual(['savings-email']);
    const day3 = new Date('2026-12-04T00:00:00Z');
    const clicked = advanceEnrolment(journey, first.enrolment, facts(['savings-email']), day3);
    expect(clicked.actions.filter((a) => a.type === 'task').map((a) => a.stepId)).toEqual(['call-follow-up']);
    const notClicked = advanceEnrolment(journey, first.enrolment, facts([]), day3);
    expect(notClicked.enrolment).toMatchObject({
      stepId: 'savings-email-to-next',
      dueAt: '2026-12-15T00:00:00.000Z',
    });
  });

  it('has no source for an unknown id', () => {
    expect(shippedJourneySource('nope')).toBeUndefined();
  });
});
