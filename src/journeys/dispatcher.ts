/**
 * Sends what the runner queued: claims due messages (queued → sending, in a transaction), asks
 * the contact policy (consent, unsubscribes, bounces, caps, quiet hours), hands each message to
 * the sender of its channel and records the outcome.
 *
 * - send allowed + sender → sent, or failed (+ a bounce event for a rejected email), or back to
 *   the queue with a later due time to retry (after MAX_ATTEMPTS: failed);
 * - send allowed, no sender for the channel (embedded mode, postal DM) → held in the outbox;
 * - defer → back to the queue until the time the policy gives; suppress → suppressed, with why.
 * Rows a crash left in 'sending' become 'unknown' when the next dispatch starts (never re-sent:
 * the provider may have them).
 */
import type { ChannelSender, OutgoingMessage, SendResult } from '../channels/channelTypes.js';
import { addTracking } from '../channels/email.js';
import { trackingUrls } from '../channels/trackingLinks.js';
import { type ContactRules, DEFAULT_CONTACT_RULES, decideContact } from '../core/act/contactPolicy.js';
import type { MessageChannel } from '../core/act/journeyTypes.js';
import { channelCostsAndConsent } from '../core/prioritise/channelConfig.js';
import {
  claimDueMessages,
  contactBlocks,
  getTrackingSecret,
  type MessageRow,
  markMessageDeferred,
  markMessageFailed,
  markMessageHeld,
  markMessageSent,
  markMessageSuppressed,
  recentSends,
  recordTrackingEvent,
  recoverInterruptedSends,
} from '../storage/messageQueries.js';
import { getChannelConfig } from '../storage/settingsQueries.js';
import type { Storage } from '../storage/storage.js';
import { loadCustomers } from './journeyFacts.js';

/** Sends tried before a message is given up as failed. */
export const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 5 * 60_000;
/** A message claimed longer ago than this and still 'sending' was lost with its process. */
export const INTERRUPTED_AFTER_MS = 10 * 60_000;
/** Messages claimed at a time: what a crash mid-batch can leave 'unknown'. */
export const DEFAULT_CLAIM_SIZE = 50;
const DAY_MS = 86_400_000;

export interface DispatchOptions {
  now: Date;
  senders: Partial<Record<MessageChannel, ChannelSender>>;
  baseUrl: string;
  batchSize?: number;
  rules?: ContactRules;
  onProgress?: (progress: { phase: 'dispatch'; done: number }) => void;
  env?: NodeJS.ProcessEnv;
}

export interface DispatchResult {
  sent: number;
  held: number;
  deferred: number;
  suppressed: number;
  failed: number;
  /** Messages a crash had left 'sending', now 'unknown'. */
  unknown: number;
}

async function trySend(sender: ChannelSender, message: OutgoingMessage): Promise<SendResult> {
  try {
    return await sender.send(message);
  } catch (error) {
    return { outcome: 'retry', error: error instanceof Error ? error.message : String(error) };
  }
}

/** Dispatches every due queued message at `now`, in claims of `batchSize`. */
export async function dispatchMessages(storage: Storage, options: DispatchOptions): Promise<DispatchResult> {
  const { now, senders } = options;
  const nowIso = now.toISOString();
  const result: DispatchResult = { sent: 0, held: 0, deferred: 0, suppressed: 0, failed: 0, unknown: 0 };
  result.unknown = await recoverInterruptedSends(
    storage,
    new Date(now.getTime() - INTERRUPTED_AFTER_MS).toISOString(),
  );
  const rules = options.rules ?? DEFAULT_CONTACT_RULES;
  const { consent } = channelCostsAndConsent((await getChannelConfig(storage)).config);
  const secret = await getTrackingSecret(storage, options.env);
  const longestWindowDays = Math.max(
    rules.min_gap_days_any_channel,
    ...Object.values(rules.caps).map((c) => c.per_days),
  );
  const since = new Date(now.getTime() - longestWindowDays * DAY_MS).toISOString();

  for (;;) {
    const claimed = await claimDueMessages(storage, {
      now: nowIso,
      limit: Math.min(options.batchSize ?? DEFAULT_CLAIM_SIZE, DEFAULT_CLAIM_SIZE),
    });
    if (claimed.length === 0) break;
    const ids = claimed.map((m) => m.customer_id);
    const [customers, blocks, sends] = await Promise.all([
      loadCustomers(storage, ids),
      contactBlocks(storage, ids),
      recentSends(storage, ids, since),
    ]);
    for (const message of claimed) {
      const customer = customers.get(message.customer_id);
      const history = sends.get(message.customer_id) ?? [];
      const decision = decideContact({
        channel: message.channel,
        customer: {
          kind: customer?.kind ?? null,
          email_opt_in: customer?.emailOptIn ?? null,
          sms_opt_in: customer?.smsOptIn ?? null,
          dm_ok: customer?.dmOk ?? null,
          // A customer no longer in the database is not contacted.
          do_not_contact: customer ? customer.doNotContact : 1,
          has_address: message.to_address !== null && message.to_address.trim() !== '',
          unsubscribed: blocks.unsubscribed.has(message.customer_id),
          bounced: blocks.bounced.has(message.customer_id),
        },
        consent,
        rules,
        recentSends: history.map((s) => ({ channel: s.channel as MessageChannel, at: s.at })),
        now,
      });
      if (decision.decision === 'suppress') {
        await markMessageSuppressed(storage, message.id, decision.reason);
        result.suppressed++;
        continue;
      }
      if (decision.decision === 'defer') {
        await markMessageDeferred(storage, message.id, decision.until, decision.reason);
        result.deferred++;
        continue;
      }
      const sender = senders[message.channel];
      if (!sender) {
        await markMessageHeld(
          storage,
          message.id,
          message.channel === 'dm' ? 'mailing_list' : 'no_transport',
        );
        result.held++;
        continue;
      }
      const outcome = await trySend(sender, outgoing(message, secret, options));
      if (outcome.outcome === 'sent') {
        await markMessageSent(storage, message.id, outcome.providerId, nowIso);
        history.push({ channel: message.channel, at: nowIso });
        sends.set(message.customer_id, history);
        result.sent++;
      } else if (outcome.outcome === 'rejected') {
        await markMessageFailed(storage, message.id, 'rejected', outcome.error);
        if (message.channel === 'email') {
          await recordTrackingEvent(storage, message.id, 'bounce', nowIso);
          blocks.bounced.add(message.customer_id);
        }
        result.failed++;
      } else if (message.attempts >= MAX_ATTEMPTS) {
        await markMessageFailed(storage, message.id, 'retries_exhausted', outcome.error);
        result.failed++;
      } else {
        const until = new Date(now.getTime() + RETRY_BASE_MS * 2 ** (message.attempts - 1)).toISOString();
        await markMessageDeferred(storage, message.id, until, 'retry', outcome.error);
        result.deferred++;
      }
    }
    options.onProgress?.({
      phase: 'dispatch',
      done: result.sent + result.held + result.deferred + result.suppressed + result.failed,
    });
  }
  return result;
}

/** The message as a sender gets it: email HTML with the open pixel and tracked links. */
function outgoing(message: MessageRow, secret: string, options: DispatchOptions): OutgoingMessage {
  const urls = trackingUrls(options.baseUrl, secret, message.id);
  return {
    id: message.id,
    idempotencyKey: message.idempotency_key,
    channel: message.channel,
    customerId: message.customer_id,
    to: message.to_address as string,
    subject: message.subject,
    text: message.body_text,
    html: message.channel === 'email' && message.body_html ? addTracking(message.body_html, urls) : null,
    unsubscribeUrl: message.channel === 'dm' ? null : urls.unsubscribe,
  };
}
