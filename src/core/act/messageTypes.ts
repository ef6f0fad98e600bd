/**
 * The shapes of a message template and of a rendered message. Pure types: messageTemplates.ts
 * renders a `MessageTemplate` for one customer into a `RenderedMessage` (text, and for email a
 * safe HTML version), templateLibrary.ts ships the default keigo templates (Japanese and English)
 * that the shipped journeys name, contactPolicy.ts decides whether a message may go now.
 *
 * A template's body is plain text with `{{placeholder}}` slots; it is never HTML. Every value is
 * escaped where it lands (HTML for email), so neither a template nor a customer's data can inject
 * markup or script.
 */
import type { ReasonCategory } from '../diagnose/reasonCategories.js';
import type { MessageChannel } from './journeyTypes.js';

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The placeholders a template may use; an unknown one is a validation error naming it. */
export const PLACEHOLDERS = [
  'customer_name',
  'contact_name',
  'last_product',
  'last_purchase_date',
  'months_since',
  'reason_message',
  'coupon_code',
  'coupon_expires',
  'rep_name',
  'sender_name',
  'cta_url',
  'unsubscribe_url',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface MessageTemplate {
  /** Lowercase slug, e.g. 'winback-day1-email'. */
  id: string;
  channel: MessageChannel;
  locale: Locale;
  name: string;
  /** Email only. */
  subject: string | null;
  body: string;
  /** Days a coupon in this message stays valid (when the body uses {{coupon_code}}). */
  coupon_days?: number;
}

/** The customer facts a template is rendered with (read by the adapter). */
export interface RenderCustomer {
  customerId: string;
  customerName: string;
  kind: 'company' | 'person' | null;
  contactName: string | null;
  lastProduct: string | null;
  lastPurchaseDay: string | null;
  reason: ReasonCategory | null;
  repName: string | null;
}

/** The sender's identity and links, as Japan's 特定電子メール法 asks of commercial email. */
export interface SenderIdentity {
  name: string;
  address: string;
  contactEmail: string;
}

export interface RenderOptions {
  locale: Locale;
  /** 'YYYY-MM-DD': months since the last purchase and the coupon's expiry are counted from it. */
  today: string;
  sender: SenderIdentity;
  /** The coupon code for this customer and message (made by the adapter with its secret), if any. */
  couponCode: string | null;
  /** The signed click-through and unsubscribe links (adapters make them). */
  ctaUrl: string;
  unsubscribeUrl: string;
}

export interface TemplateWarning {
  code: 'subject_long' | 'sms_segments' | 'sms_too_long' | 'body_long' | 'missing_cta' | 'empty_value';
  message: { ja: string; en: string };
}

export interface RenderedMessage {
  channel: MessageChannel;
  locale: Locale;
  subject: string | null;
  text: string;
  /** Email only: the text as escaped HTML paragraphs, links made clickable, sender footer. */
  html: string | null;
  couponCode: string | null;
  /** 'YYYY-MM-DD' the coupon stops working, if any. */
  couponExpires: string | null;
  warnings: TemplateWarning[];
}
