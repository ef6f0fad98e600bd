/**
 * The per-customer features the dormancy rule language can refer to (snake_case, as in rule
 * text, CSV and JSON). A missing value (no purchase yet, no email ever sent…) is null, and
 * any comparison on null is false.
 */
export const FEATURE_DESCRIPTIONS = {
  days_since_last_purchase: 'days from the last purchase to the as-of date',
  days_since_first_purchase: 'days from the first purchase to the as-of date',
  purchase_days: 'number of distinct days with a purchase (refunds excluded)',
  purchase_cycle_days:
    "the customer's own purchase cycle: median days between purchase days (peer cycle when too few)",
  overdue_ratio: 'days since last purchase ÷ own purchase cycle',
  total_spend_yen: 'net spend over the whole history (refunds subtracted)',
  average_order_yen: 'average spend per purchase day',
  spend_last_365d_yen: 'net spend in the 365 days up to the as-of date',
  spend_prev_365d_yen: 'net spend in the 365 days before that',
  yoy_spend_ratio:
    'spend in the last 365 days ÷ spend in the 365 days before (null when there was none before)',
  unanswered_emails: 'emails sent since the last open, click or reply',
  unanswered_contacts: 'outbound contacts (email, SMS, DM, call) since the last reaction of any kind',
  days_since_last_email_open: 'days since the last email open',
  days_since_last_email_click: 'days since the last email click',
  days_since_last_web_visit: 'days since the last web visit',
  days_since_last_inquiry: 'days since the last inquiry',
  days_since_last_support_ticket: 'days since the last support ticket',
  days_since_last_login: 'days since the last login',
  days_since_last_reaction: 'days since the last open, click, reply, inquiry, visit or login',
  has_active_subscription:
    '1 when a subscription is running on the as-of date, else 0 (null without subscriptions)',
  months_since_cancellation: 'months since the last subscription ended (null while one runs)',
  usage_ratio: "usage in the last 30 days ÷ the customer's own average 30-day usage before",
  p_alive: 'BG/NBD probability that the customer is still "alive"',
} as const;

export type FeatureName = keyof typeof FEATURE_DESCRIPTIONS;
export const FEATURE_NAMES = Object.keys(FEATURE_DESCRIPTIONS) as FeatureName[];

/** Feature values of one customer; null where the feature has no value. */
export type FeatureValues = Record<FeatureName, number | null>;
