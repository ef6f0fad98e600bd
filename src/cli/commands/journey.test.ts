/**
 * `mezame journey` through the real CLI on both engines: the shipped journeys listed (disabled),
 * a journey file checked with errors naming the file, line and step, saved as versions, enabled,
 * customers enrolled by hand (unknown ones refused: exit 1), a run at an as-of day that queues
 * and holds messages (no transport configured), the monitor and the simulation.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun as Run, runMezame } from '../../../test/cliHarness.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../../test/engines.js';

/** The CLI with no transport configured (messages are held) and a fixed tracking secret. */
function mezame(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, MEZAME_SECRET: 'cli-test-secret' };
  for (const key of Object.keys(env))
    if (key.startsWith('MEZAME_SMTP') || key.startsWith('MEZAME_SMS')) delete env[key];
  return runMezame(args, { env });
}

const GOOD = `id: spring-check
name: 春のご挨拶
trigger: { type: manual }
steps:
  - { id: hello, type: send, channel: email, template: winback-value-email }
  - { id: pause, type: wait, days: 3 }
  - { id: letter, type: send, channel: dm, template: winback-letter-dm }
`;

const BROKEN = `id: spring-check
name: 春のご挨拶
trigger: { type: manual }
steps:
  - { id: hello, type: send, channel: email, template: winback-value-email }
  - { id: check, type: branch, if: { reaction: opened }, then: hullo, else: end }
`;

describe.each(ENGINES)('mezame journey on %s', (engine) => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    dir = mkdtempSync(join(tmpdir(), 'mezame-journey-cli-'));
    writeFileSync(join(dir, 'spring.yaml'), GOOD);
    writeFileSync(join(dir, 'broken.yaml'), BROKEN);
    const storage = await t.open();
    await storage.db
      .insertInto('customers')
      .values(
        ['K1', 'K2'].map((id) => ({
          customer_id: id,
          name: `顧客${id}`,
          name_key: id,
          kind: 'company' as const,
          email: `${id.toLowerCase()}@example.jp`,
          email_opt_in: 1,
          prefecture: '東京都',
          address: '千代田区1-1',
          postal_code: '100-0001',
        })),
      )
      .execute();
    await storage.close();
  }, 60_000);
  afterAll(async () => {
    await t.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the shipped journeys, disabled', async () => {
    const list = await mezame(['journey', 'list', '--json', ...t.cliArgs]);
    expect(list.code).toBe(0);
    const { journeys } = JSON.parse(list.stdout) as { journeys: { id: string; enabled: boolean }[] };
    expect(journeys.map((j) => j.id)).toContain('winback-basic');
    expect(journeys.every((j) => !j.enabled)).toBe(true);
  }, 120_000);

  it('names the file, line and step of a mistake and saves nothing (exit 2)', async () => {
    const file = join(dir, 'broken.yaml');
    const run = await mezame(['journey', 'save', file, ...t.cliArgs]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:6: steps[1] (check).then: no step 'hullo'`);
    expect(run.stderr).toContain('nothing was saved');
    const show = await mezame(['journey', 'show', 'spring-check', ...t.cliArgs]);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain("journey 'spring-check' does not exist");
    expect((await mezame(['journey', 'launch', ...t.cliArgs])).code).toBe(2);
  }, 120_000);

  it('saves, enables, enrols by hand and runs a journey at an as-of day', async () => {
    const file = join(dir, 'spring.yaml');
    const valid = await mezame(['journey', 'validate', file, '--json', ...t.cliArgs]);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({
      ok: true,
      format: 'yaml',
      definition: { id: 'spring-check' },
    });
    const saved = await mezame(['journey', 'save', file, '--by', 'marketer', '--json', ...t.cliArgs]);
    expect(JSON.parse(saved.stdout).journey).toMatchObject({
      id: 'spring-check',
      version: 1,
      enabled: false,
    });
    const again = await mezame(['journey', 'save', file, '--json', ...t.cliArgs]);
    expect(JSON.parse(again.stdout).journey.version).toBe(2);
    expect((await mezame(['journey', 'enable', 'spring-check', ...t.cliArgs])).code).toBe(0);

    const enrol = await mezame([
      'journey',
      'enrol',
      'spring-check',
      '--customers',
      'K1,K2,NOPE',
      '--as-of',
      '2026-12-01',
      '--json',
      ...t.cliArgs,
    ]);
    expect(enrol.code).toBe(1);
    expect(JSON.parse(enrol.stdout)).toMatchObject({
      enrolled: 2,
      skipped: 0,
      rejected: [{ customer_id: 'NOPE', reason: 'unknown' }],
    });

    const run = await mezame(['journey', 'run', '--as-of', '2026-12-01', '--json', ...t.cliArgs]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      as_of: '2026-12-01T01:00:00.000Z',
      advanced: 2,
      queued: 2,
      held: 2,
      sent: 0,
    });
    const later = await mezame(['journey', 'run', '--as-of', '2026-12-04', ...t.cliArgs]);
    expect(later.code).toBe(0);
    expect(later.stdout).toContain('queued 2 messages');
    expect(later.stdout).toContain('email: not configured');

    const show = await mezame(['journey', 'show', 'spring-check', '--json', ...t.cliArgs]);
    const { monitor } = JSON.parse(show.stdout) as {
      monitor: { completed: number; steps: { id: string; passed: number; label_en: string }[] };
    };
    expect(monitor.completed).toBe(2);
    expect(monitor.steps.map((s) => [s.id, s.passed])).toEqual([
      ['hello', 2],
      ['pause', 2],
      ['letter', 2],
    ]);

    const simulate = await mezame(['journey', 'simulate', 'winback-basic', '--json', ...t.cliArgs]);
    expect(simulate.code).toBe(0);
    expect(JSON.parse(simulate.stdout)).toMatchObject({ entrants: 0 });
  }, 240_000);
});
