/**
 * Message templates (migration 015_journeys): the shipped library (core templateLibrary) with the
 * rows a person saved over it. A stored row overrides the shipped template of the same id and
 * locale; a stored id the library lacks is a template of the company's own.
 *
 * Functions: listTemplates, getTemplate, saveTemplate, resolveTemplates, InvalidTemplateError.
 *
 * Saving validates with the core's validateTemplate (unknown placeholder, missing subject …) and
 * stores a new version with an audit row in one transaction; nothing is stored when invalid.
 */
import { validateTemplate } from '../core/act/messageTemplates.js';
import type { Locale, MessageTemplate } from '../core/act/messageTypes.js';
import { SHIPPED_TEMPLATES } from '../core/act/templateLibrary.js';
import { AppError } from '../core/errors.js';
import { actDb, type MessageTemplatesTable } from './journeyTables.js';
import type { Storage } from './storage.js';

export interface TemplateSummary {
  id: string;
  locale: Locale;
  channel: MessageTemplate['channel'];
  name: string;
  subject: string | null;
  /** In the shipped library. */
  shipped: boolean;
  /** A person saved a version of it. */
  customised: boolean;
  /** null: the shipped text, never saved. */
  updated_at: string | null;
  version: number | null;
}

export interface TemplateIssue {
  path: string;
  message: string;
}

/** A template that fails validation: every issue, with its path. */
export class InvalidTemplateError extends AppError {
  constructor(readonly issues: TemplateIssue[]) {
    super(
      'invalid_input',
      `the template is invalid:\n${issues.map((i) => `  ${i.path || '(template)'}: ${i.message}`).join('\n')}`,
    );
  }
}

const keyOf = (id: string, locale: string) => `${id}\u0000${locale}`;

function fromRow(row: MessageTemplatesTable): MessageTemplate {
  return {
    id: row.id,
    channel: row.channel,
    locale: row.locale,
    name: row.name,
    subject: row.subject,
    body: row.body,
    ...(row.coupon_days === null ? {} : { coupon_days: Number(row.coupon_days) }),
  };
}

function shippedOf(id: string, locale: string): MessageTemplate | null {
  return SHIPPED_TEMPLATES.find((t) => t.id === id && t.locale === locale) ?? null;
}

/** Every template, shipped and saved, by id then locale. */
export async function listTemplates(storage: Storage): Promise<TemplateSummary[]> {
  const rows = await actDb(storage).selectFrom('message_templates').selectAll().execute();
  const stored = new Map(rows.map((r) => [keyOf(r.id, r.locale), r]));
  const out = new Map<string, TemplateSummary>();
  for (const t of SHIPPED_TEMPLATES) {
    const row = stored.get(keyOf(t.id, t.locale));
    const current = row ? fromRow(row) : t;
    out.set(keyOf(t.id, t.locale), {
      id: t.id,
      locale: t.locale,
      channel: current.channel,
      name: current.name,
      subject: current.subject,
      shipped: true,
      customised: row !== undefined,
      updated_at: row?.updated_at ?? null,
      version: row ? Number(row.version) : null,
    });
  }
  for (const row of rows) {
    if (out.has(keyOf(row.id, row.locale))) continue;
    out.set(keyOf(row.id, row.locale), {
      id: row.id,
      locale: row.locale,
      channel: row.channel,
      name: row.name,
      subject: row.subject,
      shipped: false,
      customised: true,
      updated_at: row.updated_at,
      version: Number(row.version),
    });
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id) || a.locale.localeCompare(b.locale));
}

export interface TemplateInForce {
  /** The saved version when there is one, else the shipped text. */
  template: MessageTemplate;
  shipped: MessageTemplate | null;
  version: number | null;
  updated_at: string | null;
  updated_by: string | null;
}

/** One template in force, or null when neither shipped nor saved. */
export async function getTemplate(
  storage: Storage,
  id: string,
  locale: string,
): Promise<TemplateInForce | null> {
  const row = await actDb(storage)
    .selectFrom('message_templates')
    .selectAll()
    .where('id', '=', id)
    .where('locale', '=', locale as Locale)
    .executeTakeFirst();
  const shipped = shippedOf(id, locale);
  if (!row && !shipped) return null;
  return {
    template: row ? fromRow(row) : (shipped as MessageTemplate),
    shipped,
    version: row ? Number(row.version) : null,
    updated_at: row?.updated_at ?? null,
    updated_by: row?.updated_by ?? null,
  };
}

/**
 * Validates and stores a template as a new version with its audit row. A shipped template keeps
 * its channel (the journeys that name it send on that channel).
 */
export async function saveTemplate(
  storage: Storage,
  template: MessageTemplate,
  actor: string,
  at: string,
): Promise<TemplateInForce> {
  const issues: TemplateIssue[] = [...validateTemplate(template)];
  const shipped = shippedOf(template.id, template.locale);
  if (shipped && shipped.channel !== template.channel) {
    issues.push({
      path: 'channel',
      message: `the shipped template ${template.id} is a ${shipped.channel} template; journeys send it as ${shipped.channel}, so its channel cannot change to ${template.channel}`,
    });
  }
  if (issues.length > 0) throw new InvalidTemplateError(issues);
  await actDb(storage)
    .transaction()
    .execute(async (trx) => {
      const existing = await trx
        .selectFrom('message_templates')
        .select('version')
        .where('id', '=', template.id)
        .where('locale', '=', template.locale)
        .executeTakeFirst();
      const version = Number(existing?.version ?? 0) + 1;
      const values = {
        channel: template.channel,
        name: template.name,
        subject: template.subject,
        body: template.body,
        coupon_days: template.coupon_days ?? null,
        version,
        updated_at: at,
        updated_by: actor,
      };
      if (existing) {
        await trx
          .updateTable('message_templates')
          .set(values)
          .where('id', '=', template.id)
          .where('locale', '=', template.locale)
          .execute();
      } else {
        await trx
          .insertInto('message_templates')
          .values({ id: template.id, locale: template.locale, ...values })
          .execute();
      }
      await trx
        .insertInto('audit_log')
        .values({
          at,
          actor,
          action: 'template.save',
          entity: 'message_template',
          entity_id: `${template.id}/${template.locale}@${version}`,
          details: JSON.stringify({
            id: template.id,
            locale: template.locale,
            channel: template.channel,
            version,
          }),
        })
        .execute();
    });
  return (await getTemplate(storage, template.id, template.locale)) as TemplateInForce;
}

/** Every template in force (saved over shipped), for the runner: look up with `templateKey`. */
export async function resolveTemplates(storage: Storage): Promise<Map<string, MessageTemplate>> {
  const out = new Map<string, MessageTemplate>();
  for (const t of SHIPPED_TEMPLATES) out.set(templateKey(t.id, t.locale), t);
  const rows = await actDb(storage).selectFrom('message_templates').selectAll().execute();
  for (const row of rows) out.set(templateKey(row.id, row.locale), fromRow(row));
  return out;
}

export function templateKey(id: string, locale: string): string {
  return keyOf(id, locale);
}
