/**
 * Message templates: the shipped library (Japanese and English) with the versions a person saved
 * over it, one template beside its shipped text, saving (validated: unknown placeholders, a
 * missing subject … each named), and a preview rendered for a real customer in the caller's
 * scope, with the links and coupon the journey run would give it. Reading and previewing are
 * open to every signed-in user; saving is for admins and marketers, with an audit row.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { trackingUrls } from '../../channels/trackingLinks.js';
import { couponCode } from '../../core/act/couponCode.js';
import { MESSAGE_CHANNELS } from '../../core/act/journeyTypes.js';
import { renderMessage, usesCoupon, validateTemplate } from '../../core/act/messageTemplates.js';
import { LOCALES, type MessageTemplate } from '../../core/act/messageTypes.js';
import { AppError } from '../../core/errors.js';
import { loadCustomers, loadWritingDetails } from '../../journeys/journeyFacts.js';
import { japanDay } from '../../journeys/journeyRunner.js';
import { isCustomerVisible } from '../../storage/customerQueries.js';
import { getTrackingSecret } from '../../storage/messageQueries.js';
import {
  getTemplate,
  InvalidTemplateError,
  listTemplates,
  saveTemplate,
  type TemplateInForce,
} from '../../storage/templateQueries.js';
import type { MessageLinks } from '../app.js';
import { ANY_ROLE, actorOf, customerScopeOf, WRITERS } from '../auth.js';
import { RequestValidationError } from '../httpErrors.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

const TEMPLATE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const templateId = z
  .string()
  .max(64, 'at most 64 characters')
  .regex(TEMPLATE_ID, 'expected lowercase letters, digits and -');

export const TemplateParams = z.object({ id: templateId, locale: z.enum(LOCALES) });

/**
 * A template as the editor sends it: shapes only (the core's validateTemplate names what is wrong
 * with the text, its length and the coupon days); the caps keep a request small.
 */
export const TemplateBody = z.object({
  id: templateId,
  locale: z.enum(LOCALES),
  channel: z.enum(MESSAGE_CHANNELS),
  name: z.string().max(1000, 'at most 1,000 characters'),
  subject: z.string().max(1000, 'at most 1,000 characters').nullable(),
  body: z.string().max(100_000, 'at most 100,000 characters'),
  coupon_days: z.number().optional(),
});
export type TemplateBody = z.infer<typeof TemplateBody>;

export const TemplatePreviewBody = z.object({
  template: TemplateBody,
  customer_id: z.string().trim().min(1, 'choose a customer').max(200),
});

const READ = { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' } as const;

function toTemplate(body: TemplateBody): MessageTemplate {
  return {
    id: body.id,
    locale: body.locale,
    channel: body.channel,
    name: body.name,
    subject: body.subject,
    body: body.body,
    ...(body.coupon_days === undefined ? {} : { coupon_days: body.coupon_days }),
  };
}

function templateView(found: TemplateInForce) {
  return {
    template: found.template,
    shipped: found.shipped,
    version: found.version,
    updated_at: found.updated_at,
    updated_by: found.updated_by,
  };
}

/** The core's template issues as a 400 naming each field (`body.subject`, `body.body`). */
function invalidTemplate(issues: readonly { path: string; message: string }[], prefix = 'body') {
  const fields = issues.map((issue) => ({
    field: issue.path ? `${prefix}.${issue.path}` : prefix,
    message: issue.message,
    path: issue.path,
  }));
  const first = fields[0] ?? { field: prefix, message: 'invalid template' };
  return new RequestValidationError(first.field, `${first.field}: ${first.message}`, fields);
}

/**
 * Links of a preview: signed like a real message's but for message 0, which never exists, so a
 * click in a preview records nothing and its unsubscribe link unsubscribes nobody.
 */
const PREVIEW_MESSAGE_ID = 0;

export function registerTemplateRoutes(
  table: RouteTable,
  { storage }: ServerDeps,
  links: MessageLinks,
): void {
  table.define(
    {
      method: 'GET',
      url: '/api/templates',
      summary:
        'Message templates: the shipped ones (ja/en) and the company’s own, marked when a person changed them',
      tag: 'templates',
      access: READ,
    },
    async () => ({ templates: await listTemplates(storage) }),
  );

  table.define(
    {
      method: 'GET',
      url: '/api/templates/:id/:locale',
      summary: 'One template in force, beside the shipped text it overrides (null for the company’s own)',
      tag: 'templates',
      access: READ,
      params: TemplateParams,
    },
    async ({ params }) => {
      const found = await getTemplate(storage, params.id, params.locale);
      if (!found) throw new AppError('not_found', `No template '${params.id}' in ${params.locale}.`);
      return templateView(found);
    },
  );

  table.define(
    {
      method: 'PUT',
      url: '/api/templates/:id/:locale',
      summary:
        'Save a template as a new version over the shipped one (validated: placeholders, subject, channel)',
      tag: 'templates',
      access: { kind: 'user', roles: WRITERS },
      params: TemplateParams,
      body: TemplateBody,
    },
    async ({ params, body, principal, now }) => {
      if (body.id !== params.id)
        throw invalidTemplate([{ path: 'id', message: `must be '${params.id}', as in the address` }]);
      if (body.locale !== params.locale) {
        throw invalidTemplate([{ path: 'locale', message: `must be '${params.locale}', as in the address` }]);
      }
      try {
        // saveTemplate writes the audit row in the same transaction.
        return templateView(
          await saveTemplate(storage, toTemplate(body), actorOf(principal), now.toISOString()),
        );
      } catch (error) {
        if (error instanceof InvalidTemplateError) throw invalidTemplate(error.issues);
        throw error;
      }
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/api/templates/preview',
      summary:
        "Render a template (saved or not) for a customer in the caller's scope, as a journey would send it, with its warnings",
      tag: 'templates',
      access: { kind: 'user', roles: ANY_ROLE },
      body: TemplatePreviewBody,
    },
    async ({ body, principal, now }) => {
      const template = toTemplate(body.template);
      const issues = validateTemplate(template);
      if (issues.length > 0) throw invalidTemplate(issues, 'body.template');
      const id = body.customer_id;
      // Another rep's customer is reported exactly like a missing one.
      const customer = (await isCustomerVisible(storage, customerScopeOf(principal), id))
        ? (await loadCustomers(storage, [id])).get(id)
        : undefined;
      if (!customer) throw new AppError('not_found', `No customer ${id}.`);
      const details = (await loadWritingDetails(storage, [customer], now)).get(id);
      const secret = await getTrackingSecret(storage);
      const urls = trackingUrls(links.baseUrl(), secret, PREVIEW_MESSAGE_ID);
      const mac = (data: string) => createHmac('sha256', secret).update(data).digest('hex');
      // The inputs journeyRunner renders a queued message with (its advanceJourneys).
      return renderMessage(
        template,
        {
          customerId: customer.customerId,
          customerName: customer.name,
          kind: customer.kind,
          contactName: details?.contactName ?? null,
          lastProduct: details?.lastProduct ?? null,
          lastPurchaseDay: customer.lastPurchaseDay ?? details?.lastOrderDay ?? null,
          reason: customer.reason,
          repName: details?.repName ?? null,
        },
        {
          locale: template.locale,
          today: japanDay(now),
          sender: links.sender,
          couponCode: usesCoupon(template) ? couponCode(mac, `preview:${template.id}:${id}`) : null,
          ctaUrl: urls.cta,
          unsubscribeUrl: urls.unsubscribe,
        },
      );
    },
  );
}
