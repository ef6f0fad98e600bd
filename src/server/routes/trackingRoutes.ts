/**
 * The public tracking routes every outgoing message links to (not under /api: no session, no
 * CSRF token; the signed token is the only credential):
 * - GET /t/o/:token — the open pixel: always a 1×1 transparent GIF, an email_open only for a valid token;
 * - GET /t/c/:token — a click: 302 to the URL signed into the token, or for a message's short call-to-action
 *   token to the configured call to action — never to anything else;
 * - GET /t/u/:token — the unsubscribe page with a confirm button (a GET never unsubscribes:
 *   mail scanners fetch links);
 * - POST /t/u/:token — unsubscribes; also RFC 8058 one-click (`List-Unsubscribe=One-Click`
 *   posted by the mail provider, no cookie).
 * Each kind is recorded once per message (the storage's insert-or-ignore event id).
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { readTrackingToken, type TrackingKind, type TrackingPayload } from '../../channels/trackingLinks.js';
import { escapeHtml } from '../../core/act/messageTemplates.js';
import { getTrackingSecret, recordTrackingEvent } from '../../storage/messageQueries.js';
import type { MessageLinks } from '../app.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';

/** Bodies a one-click unsubscribe arrives with (RFC 8058 §3.1), read as text. */
export const TRACKING_FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/** The 43-byte transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** Longer than any token we sign (a click token carries its URL); longer ones are not read. */
const MAX_TOKEN_LENGTH = 4096;

/** Any text: a wrong token still gets its pixel or its error page, never a JSON error. */
export const TrackingParams = z.object({ token: z.string() });

const NO_STORE = 'no-store, no-cache, must-revalidate, private';

/** A small page in Japanese with English below it; `body` is already escaped HTML. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, "Hiragino Sans", "Noto Sans JP", sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.7; color: #1f2933; }
h1 { font-size: 1.3rem; }
p.en { color: #52606d; font-size: 0.95rem; }
button { font-size: 1rem; padding: 0.6rem 1.4rem; border-radius: 6px; border: 1px solid #7b8794; background: #f5f7fa; cursor: pointer; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const INVALID_LINK_PAGE = page(
  'リンクが無効です / Invalid link',
  `<h1>このリンクは無効です</h1>
<p>リンクが途中で切れているか、変更されています。メールに記載のリンクをそのままお使いください。</p>
<p class="en" lang="en">This link is invalid: it was cut short or changed. Please use the link exactly as it appears in the message.</p>`,
);

function confirmPage(token: string): string {
  return page(
    '配信停止の確認 / Unsubscribe',
    `<h1>配信停止の確認</h1>
<p>今後、当社からのご案内メールの配信を停止します。よろしければ下のボタンを押してください。</p>
<p class="en" lang="en">Press the button to stop receiving our emails.</p>
<form method="post" action="/t/u/${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">配信を停止する / Unsubscribe</button>
</form>`,
  );
}

const DONE_PAGE = page(
  '配信を停止しました / Unsubscribed',
  `<h1>配信を停止しました</h1>
<p>今後、ご案内メールはお送りいたしません。これまでご覧いただき、ありがとうございました。</p>
<p class="en" lang="en">You are unsubscribed: we will not send you these emails again. Thank you for reading them.</p>`,
);

function html(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.status(status).header('cache-control', NO_STORE).type('text/html; charset=utf-8').send(text);
}

export function registerTrackingRoutes(
  table: RouteTable,
  { storage, config }: ServerDeps,
  links: Pick<MessageLinks, 'ctaUrl'>,
): void {
  const rateLimit = { max: config.trackingRateLimit.max, timeWindow: config.trackingRateLimit.windowMs };
  // Read once per server; the storage generates and keeps it on first use.
  let secret: Promise<string> | null = null;
  const tokenOf = async (token: string, kind: TrackingKind): Promise<TrackingPayload | null> => {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    secret ??= getTrackingSecret(storage).catch((error: unknown) => {
      secret = null;
      throw error;
    });
    const payload = readTrackingToken(await secret, token);
    return payload?.k === kind ? payload : null;
  };

  table.define(
    {
      method: 'GET',
      url: '/t/o/:token',
      summary: 'Open pixel: a 1×1 transparent GIF; a validly signed token records the email as opened',
      tag: 'tracking',
      access: { kind: 'public' },
      params: TrackingParams,
      produces: 'image/gif',
      rateLimit,
    },
    async ({ params, reply, request, now }) => {
      try {
        const payload = await tokenOf(params.token, 'o');
        if (payload && request.method === 'GET') {
          await recordTrackingEvent(storage, payload.m, 'open', now.toISOString());
        }
      } catch (error) {
        // The image must load whatever happens; a lost open is logged, not shown.
        request.log.error({ err: error }, 'recording an email open failed');
      }
      return reply.header('cache-control', NO_STORE).type('image/gif').send(PIXEL);
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/t/c/:token',
      summary:
        'Click-through: records the click and redirects (302) to the URL signed into the token, or for a short ' +
        'token to the configured call to action (MEZAME_CTA_URL)',
      tag: 'tracking',
      access: { kind: 'public' },
      params: TrackingParams,
      produces: 'text/html',
      successStatus: 302,
      rateLimit,
    },
    async ({ params, reply, request, now }) => {
      const payload = await tokenOf(params.token, 'c');
      if (!payload) return html(reply, 400, INVALID_LINK_PAGE);
      // Only a URL we signed, or the configured call to action (a short link names no URL):
      // anything else would make this an open redirect.
      const target = payload.u ?? links.ctaUrl();
      try {
        // A HEAD is a link checker looking, not a person clicking.
        if (request.method === 'GET') {
          await recordTrackingEvent(storage, payload.m, 'click', now.toISOString(), target);
        }
      } catch (error) {
        // The customer still gets where the link promised; a lost click is logged.
        request.log.error({ err: error }, 'recording a click failed');
      }
      return reply.header('cache-control', NO_STORE).redirect(target, 302);
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/t/u/:token',
      summary: 'Unsubscribe page: asks to confirm with a button (a GET changes nothing)',
      tag: 'tracking',
      access: { kind: 'public' },
      params: TrackingParams,
      produces: 'text/html',
      rateLimit,
    },
    async ({ params, reply }) => {
      if (!(await tokenOf(params.token, 'u'))) return html(reply, 400, INVALID_LINK_PAGE);
      return html(reply, 200, confirmPage(params.token));
    },
  );

  table.define(
    {
      method: 'POST',
      url: '/t/u/:token',
      summary:
        'Unsubscribe (the confirm button, or RFC 8058 one-click: body List-Unsubscribe=One-Click, no cookie)',
      tag: 'tracking',
      access: { kind: 'public' },
      params: TrackingParams,
      rawBody: {
        contentTypes: TRACKING_FORM_TYPES,
        description: 'List-Unsubscribe=One-Click (RFC 8058); the token alone decides',
      },
      produces: 'text/html',
      rateLimit,
    },
    async ({ params, reply, now }) => {
      const payload = await tokenOf(params.token, 'u');
      if (!payload) return html(reply, 400, INVALID_LINK_PAGE);
      const recorded = await recordTrackingEvent(storage, payload.m, 'unsubscribe', now.toISOString());
      // A signed token of a message no longer in the outbox: nothing to unsubscribe from here.
      if (!recorded) return html(reply, 404, INVALID_LINK_PAGE);
      return html(reply, 200, DONE_PAGE);
    },
  );
}
