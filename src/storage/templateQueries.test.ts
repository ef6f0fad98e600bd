/**
 * Template overrides over the shipped library, on both engines: the list merges both, a save is
 * validated (nothing stored when invalid), versioned and audited, and the runner sees the saved text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../test/engines.js';
import { shippedTemplate } from '../core/act/templateLibrary.js';
import { actDb } from './journeyTables.js';
import type { Storage } from './storage.js';
import {
  getTemplate,
  InvalidTemplateError,
  listTemplates,
  resolveTemplates,
  saveTemplate,
  templateKey,
} from './templateQueries.js';

const AT = '2026-11-02T01:00:00.000Z';

describe.each(ENGINES)('message templates on %s', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  afterEach(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('saves a checked new version over the shipped template and lists both', async () => {
    database = await createTestDatabase(engine);
    storage = await database.open();
    const shipped = shippedTemplate('winback-value-email', 'ja');
    if (!shipped) throw new Error('shipped template');
    const before = await listTemplates(storage);
    expect(before.length).toBeGreaterThanOrEqual(36);
    expect(before.every((t) => t.shipped && !t.customised)).toBe(true);

    const bad = { ...shipped, body: '{{custmer_name}} 様', subject: null };
    const error = await saveTemplate(storage, bad, 'marketer', AT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTemplateError);
    expect((error as InvalidTemplateError).issues.map((i) => i.path).sort()).toEqual(['body', 'subject']);
    const wrongChannel = await saveTemplate(
      storage,
      { ...shipped, channel: 'sms', subject: null },
      'm',
      AT,
    ).catch((e: unknown) => e);
    expect((wrongChannel as InvalidTemplateError).issues.some((i) => i.path === 'channel')).toBe(true);
    expect((await getTemplate(storage, shipped.id, 'ja'))?.version).toBeNull();

    const v1 = await saveTemplate(storage, { ...shipped, subject: '新しい件名' }, 'marketer', AT);
    expect(v1).toMatchObject({ version: 1, updated_by: 'marketer', template: { subject: '新しい件名' } });
    expect(v1.shipped?.subject).toBe(shipped.subject);
    const v2 = await saveTemplate(storage, { ...shipped, subject: '三度目の件名' }, 'marketer', AT);
    expect(v2.version).toBe(2);
    const own = await saveTemplate(
      storage,
      {
        id: 'spring-sale-email',
        channel: 'email',
        locale: 'en',
        name: 'Spring',
        subject: 'Hello',
        body: 'Hi {{customer_name}} {{cta_url}}',
      },
      'marketer',
      AT,
    );
    expect(own.shipped).toBeNull();

    const list = await listTemplates(storage);
    expect(list.find((t) => t.id === shipped.id && t.locale === 'ja')).toMatchObject({
      shipped: true,
      customised: true,
      subject: '三度目の件名',
      version: 2,
    });
    expect(list.find((t) => t.id === 'spring-sale-email')).toMatchObject({
      shipped: false,
      customised: true,
    });
    const resolved = await resolveTemplates(storage);
    expect(resolved.get(templateKey(shipped.id, 'ja'))?.subject).toBe('三度目の件名');
    expect(resolved.get(templateKey(shipped.id, 'en'))?.subject).toBe(
      shippedTemplate(shipped.id, 'en')?.subject,
    );
    const audit = await actDb(storage)
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'template.save')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.entity_id)).toEqual([
      'winback-value-email/ja@1',
      'winback-value-email/ja@2',
      'spring-sale-email/en@1',
    ]);
    expect(await getTemplate(storage, 'nope', 'ja')).toBeNull();
  });
});
