import { describe, expect, it } from 'vitest';
import { type JourneyIssue, journeyStepLabel, parseJourneySource } from './journeyDefinition.js';
import { branchStep } from './journeyGraph.js';
import type { JourneyStep } from './journeyTypes.js';

/** A small valid journey as a plain object; tests change one thing and expect one issue. */
function aJourney(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'winback-test',
    name: 'テスト',
    trigger: { type: 'status_entered', statuses: ['early_dormant'] },
    steps: [
      { id: 'day1-email', type: 'send', channel: 'email', template: 'winback-value-email' },
      { id: 'day1-wait', type: 'wait', days: 2 },
      branchStep('day1-reacted', { reaction: 'opened' }, 'call', 'end'),
      { id: 'call', type: 'task', kind: 'call', note: 'アポイント設定' },
    ],
    ...overrides,
  };
}

/** Sets a field of a raw step (`then` cannot be written as a literal property: linters take it for a thenable). */
function set(step: Record<string, unknown> | undefined, field: string, value: unknown): void {
  if (step !== undefined) step[field] = value;
}

function stepsWith(change: (steps: Record<string, unknown>[]) => void): Record<string, unknown> {
  const journey = aJourney();
  const steps = structuredClone(journey.steps) as Record<string, unknown>[];
  change(steps);
  return { ...journey, steps };
}

function issuesOf(value: unknown): JourneyIssue[] {
  const result = parseJourneySource(JSON.stringify(value, null, 2), 'json');
  return result.ok ? [] : result.issues;
}

describe('parseJourneySource', () => {
  it('accepts a valid journey in JSON and in YAML, with the same definition', () => {
    const json = parseJourneySource(JSON.stringify(aJourney()), 'json');
    const yaml = parseJourneySource(
      [
        'id: winback-test',
        'name: テスト',
        'trigger: { type: status_entered, statuses: [early_dormant] }',
        'steps:',
        '  - { id: day1-email, type: send, channel: email, template: winback-value-email }',
        '  - { id: day1-wait, type: wait, days: 2 }',
        '  - id: day1-reacted',
        '    type: branch',
        '    if: { reaction: opened }',
        '    then: call',
        '    else: end',
        '  - { id: call, type: task, kind: call, note: アポイント設定 }',
      ].join('\n'),
      'yaml',
    );
    expect(json.ok).toBe(true);
    expect(yaml).toEqual(json);
    expect(json.ok && json.definition.steps[2]).toEqual(
      branchStep('day1-reacted', { reaction: 'opened' }, 'call', 'end'),
    );
  });

  it('keeps description, audience and exit_on', () => {
    const result = parseJourneySource(
      JSON.stringify(
        aJourney({
          description: '説明',
          audience: { reasons: ['price'], ranks: ['A'] },
          exit_on: ['purchase'],
        }),
      ),
      'json',
    );
    expect(result.ok && result.definition).toMatchObject({
      description: '説明',
      audience: { reasons: ['price'], ranks: ['A'] },
      exit_on: ['purchase'],
    });
  });

  it('reports invalid JSON with its line and column', () => {
    const result = parseJourneySource('{\n  "id": "x",\n  "name": "y",\n}\n', 'json');
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: 'line 4',
          line: 4,
          message: "invalid JSON at line 4, column 1: a comma right before '}': remove the last comma",
        },
      ],
    });
  });

  it('reports an unclosed JSON string and single quotes where they are', () => {
    const unclosed = parseJourneySource('{\n  "id": "x\n}', 'json');
    expect(!unclosed.ok && unclosed.issues[0]).toMatchObject({
      line: 2,
      message: expect.stringContaining('line break inside a string'),
    });
    const single = parseJourneySource("{\n\n  'id': 1 }", 'json');
    expect(!single.ok && single.issues[0]?.message).toContain('double quotes');
    expect(!single.ok && single.issues[0]?.line).toBe(3);
  });

  it('reports invalid YAML with its line', () => {
    const result = parseJourneySource('id: x\nsteps: [1, 2\nname: 3\n', 'yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]).toMatchObject({ path: 'line 3', line: 3 });
    expect(!result.ok && result.issues[0]?.message).toMatch(/^invalid YAML at line 3, column 1: /);
  });

  it('reports a duplicated YAML key', () => {
    const result = parseJourneySource('id: x\nid: y\n', 'yaml');
    expect(!result.ok && result.issues[0]?.message).toMatch(/invalid YAML at line 2.*unique/i);
  });

  it('rejects a file that is not a journey object', () => {
    expect(issuesOf([1, 2])).toEqual([
      {
        path: '(journey)',
        line: 1,
        message: 'expected a journey with id, name, trigger and steps, got a list',
      },
    ]);
  });

  const cases: {
    description: string;
    journey: Record<string, unknown>;
    path: string;
    message: string | RegExp;
  }[] = [
    {
      description: 'an unknown step type',
      journey: stepsWith((s) => {
        s[3] = { id: 'call', type: 'fax' };
      }),
      path: 'steps[3] (call).type',
      message: "unknown step type 'fax'; expected one of send, task, wait, branch, split, holdout",
    },
    {
      description: 'a duplicate step id',
      journey: stepsWith((s) => {
        (s[3] as Record<string, unknown>).id = 'day1-wait';
        set(s[2], 'then', 'day1-wait');
      }),
      path: 'steps[3] (day1-wait).id',
      message: "the id 'day1-wait' is already used by steps[1]; each step needs its own id",
    },
    {
      description: 'a branch target that does not exist, with the near id suggested',
      journey: stepsWith((s) => {
        set(s[2], 'then', 'cal');
      }),
      path: 'steps[2] (day1-reacted).then',
      message:
        "no step 'cal' in this journey; did you mean 'call'? expected the id of a step or 'end' to finish the journey",
    },
    {
      description: 'a next target that does not exist and is like no id',
      journey: stepsWith((s) => {
        (s[0] as Record<string, unknown>).next = 'day9';
      }),
      path: 'steps[0] (day1-email).next',
      message: "no step 'day9' in this journey; expected the id of a step or 'end' to finish the journey",
    },
    {
      description: 'a loop with no wait step',
      journey: stepsWith((s) => {
        s.splice(1, 1);
        (s[1] as Record<string, unknown>).else = 'day1-email';
      }),
      path: 'steps[0] (day1-email)',
      message:
        'the steps day1-email, day1-reacted form a loop with no wait step, so a customer would go round it forever; add a wait step to the loop or send one of them elsewhere',
    },
    {
      description: 'a step that loops to itself',
      journey: stepsWith((s) => {
        (s[3] as Record<string, unknown>).next = 'call';
      }),
      path: 'steps[3] (call)',
      message: /^the steps call form a loop with no wait step/,
    },
    {
      description: 'an unreachable step',
      journey: stepsWith((s) => {
        set(s[2], 'then', 'end');
      }),
      path: 'steps[3] (call)',
      message:
        "no step leads here, so no customer would ever reach 'call'; point a next, then, else or variant to it, or remove it",
    },
    {
      description: 'a reaction branch looking at a wait step',
      journey: stepsWith((s) => {
        (s[2] as Record<string, unknown>).if = { reaction: 'clicked', step: 'day1-wait' };
      }),
      path: 'steps[2] (day1-reacted).if.step',
      message: "'day1-wait' is a wait step; a reaction branch looks at a send step's message",
    },
    {
      description: 'a reaction branch looking at a send step that only comes after it',
      journey: stepsWith((s) => {
        (s[2] as Record<string, unknown>).if = { reaction: 'clicked', step: 'later' };
        set(s[2], 'then', 'later');
        s.push({ id: 'later', type: 'send', channel: 'sms', template: 'winback-reminder-sms', next: 'call' });
        (s[3] as Record<string, unknown>).next = 'end';
      }),
      path: 'steps[2] (day1-reacted).if.step',
      message:
        "'later' cannot run before this branch, so there would be no reaction to look at; name a send step that comes earlier",
    },
    {
      description: 'a reaction branch naming no step of the journey',
      journey: stepsWith((s) => {
        (s[2] as Record<string, unknown>).if = { reaction: 'opened', step: 'day0-email' };
      }),
      path: 'steps[2] (day1-reacted).if.step',
      message: "no step 'day0-email' in this journey; expected the id of a send step ('day1-email')",
    },
    {
      description: 'a reaction branch with no send step before it',
      journey: stepsWith((s) => {
        s.splice(0, 1);
      }),
      path: 'steps[1] (day1-reacted).if',
      message: 'a reaction branch needs a send step before it, and no send step can run before this one',
    },
    {
      description: 'a reaction branch with two possible messages just before it',
      journey: {
        ...aJourney(),
        steps: [
          {
            id: 'ab',
            type: 'split',
            variants: [
              { name: 'a', weight: 1, next: 'mail-a' },
              { name: 'b', weight: 1, next: 'mail-b' },
            ],
          },
          { id: 'mail-a', type: 'send', channel: 'email', template: 't-a', next: 'wait' },
          { id: 'mail-b', type: 'send', channel: 'email', template: 't-b' },
          { id: 'wait', type: 'wait', days: 3 },
          branchStep('reacted', { reaction: 'opened' }, 'end', 'end'),
        ],
      },
      path: 'steps[4] (reacted).if',
      message:
        "several send steps can come just before this branch ('mail-a', 'mail-b'); name the one to look at in 'step'",
    },
    {
      description: 'a split weight of zero',
      journey: stepsWith((s) => {
        s[2] = {
          id: 'day1-reacted',
          type: 'split',
          variants: [
            { name: 'a', weight: 0, next: 'call' },
            { name: 'b', weight: 1, next: 'end' },
          ],
        };
      }),
      path: 'steps[2] (day1-reacted).variants[0].weight',
      message: 'expected a weight above 0 (weights are relative: 1 and 1 is half and half), got 0',
    },
    {
      description: 'a holdout above 50 %',
      journey: stepsWith((s) => {
        s.unshift({ id: 'control', type: 'holdout', percent: 60 });
      }),
      path: 'steps[0] (control).percent',
      message: 'expected a percent from 0 to 50 (holding out more than half leaves too few to reach), got 60',
    },
    {
      description: 'a negative holdout',
      journey: stepsWith((s) => {
        s.unshift({ id: 'control', type: 'holdout', percent: -1 });
      }),
      path: 'steps[0] (control).percent',
      message: 'expected a percent from 0 to 50, got -1',
    },
    {
      description: 'a wait of zero days',
      journey: stepsWith((s) => {
        (s[1] as Record<string, unknown>).days = 0;
      }),
      path: 'steps[1] (day1-wait).days',
      message: 'expected a number of days above 0, got 0',
    },
    {
      description: 'a wait of more than a year',
      journey: stepsWith((s) => {
        (s[1] as Record<string, unknown>).days = 400;
      }),
      path: 'steps[1] (day1-wait).days',
      message:
        'expected at most 365 days (a year), got 400; for a longer pause, let the customer re-enter later',
    },
    {
      description: 'wait days written as text',
      journey: stepsWith((s) => {
        (s[1] as Record<string, unknown>).days = '3';
      }),
      path: 'steps[1] (day1-wait).days',
      message: "expected a number, got '3'",
    },
    {
      description: 'a step id that is not a lowercase slug',
      journey: stepsWith((s) => {
        (s[3] as Record<string, unknown>).id = 'Call Task';
        set(s[2], 'then', 'Call Task');
      }),
      path: 'steps[3] (Call Task).id',
      message:
        "expected a step id in lowercase letters, digits and hyphens (e.g. 'day3-email'), got 'Call Task'",
    },
    {
      description: "a step called 'end'",
      journey: stepsWith((s) => {
        (s[3] as Record<string, unknown>).id = 'end';
      }),
      path: 'steps[3] (end).id',
      message: "'end' is reserved for the end of the journey; give the step another id",
    },
    {
      description: 'a journey id that is not a slug',
      journey: aJourney({ id: 'Winback_1' }),
      path: 'id',
      message:
        "expected a journey id in lowercase letters, digits and hyphens (e.g. 'winback-basic'), got 'Winback_1'",
    },
    {
      description: 'an empty steps list',
      journey: aJourney({ steps: [] }),
      path: 'steps',
      message: 'a journey needs at least one step, e.g. a send step',
    },
    {
      description: 'a missing name',
      journey: aJourney({ name: undefined }),
      path: 'name',
      message: 'required: expected text',
    },
    {
      description: 'an unknown top-level field',
      journey: aJourney({ stpes: [] }),
      path: 'stpes',
      message:
        "unknown field 'stpes'; a journey has the fields id, name, description, audience, exit_on, trigger, steps",
    },
    {
      description: 'an unknown field in a step',
      journey: stepsWith((s) => {
        (s[1] as Record<string, unknown>).day = 3;
      }),
      path: 'steps[1] (day1-wait).day',
      message: "unknown field 'day'; a wait step has the fields id, type, days, next",
    },
    {
      description: 'a status that is not a lifecycle status',
      journey: aJourney({ trigger: { type: 'status_entered', statuses: ['dormant'] } }),
      path: 'trigger.statuses[0]',
      message:
        "expected one of active, at_risk, early_dormant, mid_dormant, long_dormant, reactivating, reactivated, lost, never_purchased, got 'dormant'",
    },
    {
      description: 'a status trigger with no statuses',
      journey: aJourney({ trigger: { type: 'status_entered', statuses: [] } }),
      path: 'trigger.statuses',
      message: 'list at least one, e.g. [early_dormant]',
    },
    {
      description: 'a behaviour trigger counting zero events',
      journey: aJourney({ trigger: { type: 'behaviour', event: 'web_visit', min_count: 0, within_days: 7 } }),
      path: 'trigger.min_count',
      message: 'expected a count of at least 1',
    },
    {
      description: 'a behaviour trigger over zero days',
      journey: aJourney({ trigger: { type: 'behaviour', event: 'web_visit', min_count: 3, within_days: 0 } }),
      path: 'trigger.within_days',
      message: 'expected at least 1 day',
    },
    {
      description: 'a behaviour trigger over a fraction of a day',
      journey: aJourney({
        trigger: { type: 'behaviour', event: 'web_visit', min_count: 3, within_days: 1.5 },
      }),
      path: 'trigger.within_days',
      message: 'expected a whole number, got 1.5',
    },
    {
      description: 'a URL filter on an event that has no URL',
      journey: aJourney({
        trigger: {
          type: 'behaviour',
          event: 'email_open',
          url_contains: '/pricing',
          min_count: 1,
          within_days: 7,
        },
      }),
      path: 'trigger.url_contains',
      message:
        'url_contains only applies to web_visit events, not email_open; remove it or use event: web_visit',
    },
    {
      description: 'an unknown trigger type',
      journey: aJourney({ trigger: { type: 'weekly' } }),
      path: 'trigger.type',
      message:
        "unknown trigger type 'weekly'; expected one of status_entered, behaviour, schedule, manual, change_resolved",
    },
    {
      description: 'an unknown reason in the audience',
      journey: aJourney({ audience: { reasons: ['cost'] } }),
      path: 'audience.reasons[0]',
      message: /^expected one of product, price, .*, got 'cost'$/,
    },
    {
      description: 'an unknown exit event',
      journey: aJourney({ exit_on: ['purchase', 'bounce'] }),
      path: 'exit_on[1]',
      message: "expected one of purchase, unsubscribe, reply, got 'bounce'",
    },
    {
      description: 'a branch with two conditions',
      journey: stepsWith((s) => {
        (s[2] as Record<string, unknown>).if = { reaction: 'opened', rank: ['A'] };
      }),
      path: 'steps[2] (day1-reacted).if',
      message: 'one condition per branch, found reaction and rank; chain two branch steps instead',
    },
    {
      description: 'a branch with no condition',
      journey: stepsWith((s) => {
        delete (s[2] as Record<string, unknown>).if;
      }),
      path: 'steps[2] (day1-reacted).if',
      message: /^expected a condition on reaction, reason, rank or status/,
    },
    {
      description: 'a rank condition on a rank that does not exist',
      journey: stepsWith((s) => {
        (s[2] as Record<string, unknown>).if = { rank: ['S'] };
      }),
      path: 'steps[2] (day1-reacted).if.rank[0]',
      message: "expected one of A, B, C, D, got 'S'",
    },
    {
      description: 'a send step on an unknown channel',
      journey: stepsWith((s) => {
        (s[0] as Record<string, unknown>).channel = 'fax';
      }),
      path: 'steps[0] (day1-email).channel',
      message: "expected one of email, sms, dm, got 'fax'",
    },
  ];

  for (const c of cases) {
    it(`reports ${c.description}`, () => {
      const issues = issuesOf(c.journey);
      const issue = issues.find((i) => i.path === c.path);
      expect(issue, JSON.stringify(issues, null, 2)).toBeDefined();
      if (typeof c.message === 'string') expect(issue?.message).toBe(c.message);
      else expect(issue?.message).toMatch(c.message);
    });
  }

  it('names the line of each issue in the text', () => {
    const source = [
      'id: winback-test',
      'name: テスト',
      'trigger: { type: manual }',
      'steps:',
      '  - { id: day1-email, type: send, channel: email, template: winback-value-email }',
      '  - id: day1-wait',
      '    type: wait',
      '    days: -1',
    ].join('\n');
    const result = parseJourneySource(source, 'yaml');
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'steps[1] (day1-wait).days', line: 8, message: 'expected a number of days above 0, got -1' },
      ],
    });
  });

  it('reports every problem at once', () => {
    const journey = stepsWith((s) => {
      (s[0] as Record<string, unknown>).channel = 'fax';
      (s[1] as Record<string, unknown>).days = 0;
      (s[2] as Record<string, unknown>).else = 'nowhere';
    });
    expect(issuesOf({ ...journey, id: 'Bad' }).map((i) => i.path)).toEqual([
      'id',
      'steps[0] (day1-email).channel',
      'steps[1] (day1-wait).days',
      'steps[2] (day1-reacted).else',
    ]);
  });

  it('does not pile graph issues on a step that is already wrong', () => {
    const issues = issuesOf(
      stepsWith((s) => {
        s[3] = { id: 'call', type: 'task' };
      }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'steps[3] (call).kind',
        message: 'required: expected one of call, visit',
      }),
    ]);
  });

  it('checks template ids and channels when the templates are given', () => {
    const journey = stepsWith((s) => {
      s.splice(1, 0, { id: 'sms', type: 'send', channel: 'sms', template: 'winback-value-email' });
    });
    const result = parseJourneySource(JSON.stringify(journey), 'json', {
      templates: [{ id: 'winback-value-email', channel: 'email' }],
    });
    expect(!result.ok && result.issues).toEqual([
      expect.objectContaining({
        path: 'steps[1] (sms).template',
        message: "the template 'winback-value-email' is for email, not sms",
      }),
    ]);
    const missing = parseJourneySource(JSON.stringify(aJourney()), 'json', { templates: [] });
    expect(!missing.ok && missing.issues[0]?.message).toBe(
      "no template 'winback-value-email'; create it first or pick an existing one",
    );
  });

  it('allows a loop that passes a wait step (wait, look again)', () => {
    const journey = stepsWith((s) => {
      (s[2] as Record<string, unknown>).else = 'day1-wait';
    });
    expect(issuesOf(journey)).toEqual([]);
  });

  it('allows fractional waits and a 0 % holdout', () => {
    const journey = stepsWith((s) => {
      (s[1] as Record<string, unknown>).days = 0.5;
      s.unshift({ id: 'control', type: 'holdout', percent: 0 });
    });
    expect(issuesOf(journey)).toEqual([]);
  });
});

describe('journeyStepLabel', () => {
  const labels: { step: JourneyStep; ja: string; en: string }[] = [
    {
      step: { id: 'a', type: 'send', channel: 'email', template: 'winback-value-email' },
      ja: 'メール送信: winback-value-email',
      en: 'Send email: winback-value-email',
    },
    { step: { id: 'a', type: 'send', channel: 'sms', template: 'r' }, ja: 'SMS送信: r', en: 'Send SMS: r' },
    {
      step: { id: 'a', type: 'send', channel: 'dm', template: 'l' },
      ja: 'DM送付: l',
      en: 'Send letter (DM): l',
    },
    { step: { id: 'w', type: 'wait', days: 3 }, ja: '3日待つ', en: 'Wait 3 days' },
    { step: { id: 'w', type: 'wait', days: 1 }, ja: '1日待つ', en: 'Wait 1 day' },
    { step: { id: 'w', type: 'wait', days: 0.5 }, ja: '12時間待つ', en: 'Wait 12 hours' },
    {
      step: branchStep('b', { reaction: 'opened' }, 'x', 'y'),
      ja: '分岐: 開封したか',
      en: 'Branch: opened?',
    },
    {
      step: branchStep('b', { reaction: 'clicked', step: 'day1-email' }, 'x', 'y'),
      ja: '分岐: day1-email をクリックしたか',
      en: 'Branch: clicked day1-email?',
    },
    {
      step: branchStep('b', { reason: ['price', 'product'] }, 'x', 'y'),
      ja: '分岐: 休眠理由が 価格・製品・サービス',
      en: 'Branch: reason is price, product',
    },
    {
      step: branchStep('b', { rank: ['A', 'B'] }, 'x', 'y'),
      ja: '分岐: ランク A・B',
      en: 'Branch: rank A, B',
    },
    {
      step: branchStep('b', { status: ['long_dormant'] }, 'x', 'y'),
      ja: '分岐: ステータスが 長期休眠',
      en: 'Branch: status is long dormant',
    },
    {
      step: {
        id: 's',
        type: 'split',
        variants: [
          { name: 'a', weight: 1, next: 'x' },
          { name: 'b', weight: 3, next: 'y' },
        ],
      },
      ja: 'A/Bテスト: a 25% / b 75%',
      en: 'A/B split: a 25% / b 75%',
    },
    { step: { id: 'h', type: 'holdout', percent: 10 }, ja: 'ホールドアウト 10%', en: 'Holdout 10%' },
    { step: { id: 't', type: 'task', kind: 'call' }, ja: '電話タスク', en: 'Call task' },
    {
      step: { id: 't', type: 'task', kind: 'visit', note: 'ご挨拶' },
      ja: '訪問タスク: ご挨拶',
      en: 'Visit task: ご挨拶',
    },
  ];
  for (const { step, ja, en } of labels) {
    it(`labels ${ja}`, () => {
      expect(journeyStepLabel(step, 'ja')).toBe(ja);
      expect(journeyStepLabel(step, 'en')).toBe(en);
    });
  }

  it('shortens a long task note', () => {
    const label = journeyStepLabel({ id: 't', type: 'task', kind: 'call', note: 'あ'.repeat(50) }, 'ja');
    expect(label).toBe(`電話タスク: ${'あ'.repeat(30)}…`);
  });
});
