/**
 * The outbox: every message the journeys queued, with its state (queued, sent, held for lack of
 * a transport, suppressed by the contact policy …), one message with its tracking events, and
 * the postal DM mailing list as a download for an address-printing service. A sales rep sees
 * only their own accounts' messages (the query's scope; another rep's message answers 404 like
 * a missing one).
 */
import { z } from 'zod';
import { type MailingRecipient, mailingListCsv } from '../../channels/postalDm.js';
import { readTrackingToken } from '../../channels/trackingLinks.js';
import { MESSAGE_CHANNELS } from '../../core/act/journeyTypes.js';
import { escapeHtml } from '../../core/act/messageTemplates.js';
import { AppError } from '../../core/errors.js';
import { MESSAGE_STATUSES } from '../../storage/journeyTables.js';
import {
  type DmMessage,
  dmMessages,
  getMessage,
  getTrackingSecret,
  listMessages,
} from '../../storage/messageQueries.js';
import type { MessageLinks } from '../app.js';
import { ANY_ROLE, customerScopeOf, WRITERS } from '../auth.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

const text = z.string().trim().min(1).max(200);
export const OutboxQuery = z.object({
  channel: z.enum(MESSAGE_CHANNELS).optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  journey_id: text.optional(),
  customer_id: text.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export const DmListQuery = z.object({ encoding: z.enum(['cp932', 'utf8']).default('cp932') });
export const MessageIdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

const READ = { kind: 'user', roles: ANY_ROLE, tokenScope: 'read' } as const;

/** A DM's addressee as the mailing list wants it: a company with its contact, or a person. */
function recipientOf(m: DmMessage): MailingRecipient {
  const company = m.kind !== 'person';
  return {
    postalCode: m.postal_code ?? '',
    address: `${m.prefecture ?? ''}${m.address ?? ''}`,
    companyName: company ? m.customer_name : '',
    department: company ? (m.department ?? '') : '',
    personName: company ? m.contact_name : m.customer_name,
  };
}

/** The path of a tracking link of `kind` in an attribute value, and its token. */
function trackingToken(url: string, kind: 'o' | 'c' | 'u'): string | null {
  const match = new RegExp(`/t/${kind}/([A-Za-z0-9_.~-]+)$`).exec(url.replaceAll('&amp;', '&').trim());
  return match?.[1] ?? null;
}

/**
 * An email's HTML made safe to look at in the outbox: without the open pixel (a person previewing
 * it would count as an open) and with every link inert (no href: a click in the preview neither
 * records a click nor opens the unsubscribe page); a link's destination stays visible as its
 * title. The HTML itself is the renderer's (every value escaped); the web app shows it in a
 * sandboxed frame.
 *
 * @example previewHtml('<p><a href="https://x.jp/t/c/TOKEN">詳細</a></p><img src="https://x.jp/t/o/T2">', secret, cta)
 *   // '<p><a title="https://example.jp/offer">詳細</a></p>'
 */
export function previewHtml(html: string, secret: string, ctaUrl: string): string {
  return html
    .replace(/<img\b[^>]*?\ssrc\s*=\s*(["'])([^"']*)\1[^>]*>/gi, (whole, _q: string, src: string) =>
      trackingToken(src, 'o') ? '' : whole,
    )
    .replace(
      /(<a\b[^>]*?)\s+href\s*=\s*(["'])([^"']*)\2/gi,
      (_whole, start: string, _q: string, raw: string) =>
        `${start} title="${escapeHtml(linkDestination(raw, secret, ctaUrl))}"`,
    );
}

/** Where a link in a message leads, as a person previewing it should read it. */
function linkDestination(href: string, secret: string, ctaUrl: string): string {
  const click = trackingToken(href, 'c');
  if (click) {
    const payload = readTrackingToken(secret, click);
    // A message's short call-to-action link names no URL: it leads to the configured one.
    return payload ? (payload.u ?? ctaUrl) : '';
  }
  if (trackingToken(href, 'u')) return '配信停止 / Unsubscribe';
  return href.replaceAll('&amp;', '&');
}

export function registerOutboxRoutes(
  table: RouteTable,
  { storage }: ServerDeps,
  links: Pick<MessageLinks, 'ctaUrl'>,
): void {
  table.define(
    {
      method: 'GET',
      url: '/api/outbox',
      summary:
        "Outbox messages, newest first, with the total and counts by status and channel (sales reps: their accounts' only)",
      tag: 'outbox',
      access: READ,
      query: OutboxQuery,
    },
    async ({ query, principal }) =>
      listMessages(storage, customerScopeOf(principal), {
        channel: query.channel,
        status: query.status,
        journeyId: query.journey_id,
        customerId: query.customer_id,
        limit: query.limit,
        offset: query.offset,
      }),
  );

  table.define(
    {
      method: 'GET',
      url: '/api/outbox/dm.csv',
      summary:
        'Download the postal DM mailing list (郵便番号, 住所, 会社名, 部署, 氏名 様) of queued and held DMs; cp932 (Excel, printers) or utf8',
      tag: 'outbox',
      access: { kind: 'user', roles: WRITERS },
      query: DmListQuery,
      produces: 'text/csv',
    },
    async ({ query, principal, reply, now }) => {
      const rows = (await dmMessages(storage, customerScopeOf(principal))).map(recipientOf);
      const name = `dm-${now.toISOString().slice(0, 10)}-${query.encoding}.csv`;
      return reply
        .header('content-type', `text/csv; charset=${query.encoding === 'cp932' ? 'Shift_JIS' : 'utf-8'}`)
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(mailingListCsv(rows, query.encoding));
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/outbox/:id',
      summary:
        'One outbox message: recipient, text, HTML (and preview_html without tracking), coupon and its tracking events',
      tag: 'outbox',
      access: READ,
      params: MessageIdParams,
    },
    async ({ params, principal }) => {
      const message = await getMessage(storage, customerScopeOf(principal), params.id);
      if (!message) throw new AppError('not_found', `No message ${params.id} in the outbox.`);
      const { idempotency_key: _key, ...rest } = message;
      const preview =
        message.body_html === null
          ? null
          : previewHtml(message.body_html, await getTrackingSecret(storage), links.ctaUrl());
      return { message: { ...rest, preview_html: preview } };
    },
  );
}
