/**
 * What a channel adapter receives and returns. The journey runner queues messages in the
 * outbox (the `messages` table); the dispatcher hands each one to the adapter of its channel:
 * email over SMTP (email.ts), SMS through an HTTP provider (sms.ts), postal DM into a mailing
 * list and print-ready letters (postalDm.ts). Without a configured transport a message stays in
 * the outbox as 'held' (embedded mode): the whole loop runs on a laptop with nothing set up.
 */
import type { MessageChannel } from '../core/act/journeyTypes.js';

export interface OutgoingMessage {
  /** The outbox row's id. */
  id: number;
  idempotencyKey: string;
  channel: MessageChannel;
  customerId: string;
  /** Email address, phone number (E.164 or Japanese domestic) or postal block, as the channel needs. */
  to: string;
  subject: string | null;
  text: string;
  html: string | null;
  /** Signed one-click unsubscribe URL (List-Unsubscribe, RFC 8058). */
  unsubscribeUrl: string | null;
}

export type SendResult =
  | { outcome: 'sent'; providerId: string | null }
  /** The recipient refused it for good (hard bounce, invalid number): never retried, recorded as a bounce. */
  | { outcome: 'rejected'; error: string }
  /** Try again later (connection refused, 4xx, timeout). */
  | { outcome: 'retry'; error: string };

export interface ChannelSender {
  readonly channel: MessageChannel;
  send(message: OutgoingMessage): Promise<SendResult>;
  close?(): Promise<void>;
}
