/**
 * A segment: a saved filter over customer fields and the features of the latest analysis
 * ("rank A or B, dormant, reason price, in 東京都 or 神奈川県, expected value ≥ ¥50,000").
 * Conditions combine with AND; a list condition matches any of its values. Validated with zod so a
 * bad filter fails with every problem named, before anything is stored or queried.
 */
import { z } from 'zod';
import { LIFECYCLE_STATUSES } from '../detect/lifecycleStatus.js';
import { REASON_CATEGORIES } from '../diagnose/reasonCategories.js';
import { AppError } from '../errors.js';
import { RANKS } from './defaults.js';

/** Numeric features a segment can bound, by customer_state column. */
export const RANGE_FIELDS = [
  'p_alive',
  'expected_value',
  'days_since_last_purchase',
  'score',
  'health_score',
  'reactivation_probability',
  'overdue_ratio',
  'yearly_value_yen',
  'total_spend_yen',
  'purchase_days',
  'reason_confidence',
  'expected_purchases_90d',
] as const;
export type RangeField = (typeof RANGE_FIELDS)[number];

/** Text fields a segment can list values of: customer_state (s) or customers (c) columns. */
export const LIST_FIELDS = {
  status: 's.status',
  rank: 's.rank',
  reason: 's.reason_category',
  owner: 's.owner',
  main_category: 's.main_category',
  health_level: 's.health_level',
  industry: 'c.industry',
  prefecture: 'c.prefecture',
  kind: 'c.kind',
} as const;
export type ListField = keyof typeof LIST_FIELDS;

const text = z.string().trim().min(1).max(200);
const range = z
  .object({ min: z.number().finite().optional(), max: z.number().finite().optional() })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'give min, max or both' })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: 'min must not exceed max',
  });
const list = <T extends z.ZodType<string>>(item: T) => z.array(item).min(1).max(500);

export const SegmentFilterSchema = z
  .object({
    status: list(z.enum(LIFECYCLE_STATUSES)).optional(),
    rank: list(z.enum(RANKS)).optional(),
    reason: list(z.enum(REASON_CATEGORIES)).optional(),
    owner: list(text).optional(),
    main_category: list(text).optional(),
    health_level: list(z.enum(['healthy', 'caution', 'warning', 'danger'])).optional(),
    industry: list(text).optional(),
    prefecture: list(text).optional(),
    kind: list(z.enum(['company', 'person'])).optional(),
    reason_resolved: z.boolean().optional(),
    gap_alert: z.boolean().optional(),
    ranges: z.partialRecord(z.enum(RANGE_FIELDS), range).optional(),
  })
  .strict();

export type SegmentFilter = z.infer<typeof SegmentFilterSchema>;

/**
 * Parses a filter (JSON text or an object), or throws AppError('invalid_input') naming every problem.
 *
 * @example parseSegmentFilter('{"status":["mid_dormant"],"ranges":{"expected_value":{"min":50000}}}')
 */
export function parseSegmentFilter(input: unknown): SegmentFilter {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new AppError(
        'invalid_input',
        `segment filter: expected JSON such as {"status":["mid_dormant"],"rank":["A","B"]}; ${(error as Error).message}`,
      );
    }
  }
  const parsed = SegmentFilterSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(filter)'}: ${issue.message}`,
    );
    throw new AppError('invalid_input', `segment filter: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** One line a person can read: "status in (mid_dormant) AND expected_value ≥ 50000". */
export function describeSegmentFilter(filter: SegmentFilter): string {
  const parts: string[] = [];
  for (const field of Object.keys(LIST_FIELDS) as ListField[]) {
    const values = filter[field];
    if (values) parts.push(`${field} in (${values.join(', ')})`);
  }
  if (filter.reason_resolved !== undefined) parts.push(`reason_resolved = ${filter.reason_resolved}`);
  if (filter.gap_alert !== undefined) parts.push(`gap_alert = ${filter.gap_alert}`);
  for (const field of RANGE_FIELDS) {
    const r = filter.ranges?.[field];
    if (!r) continue;
    if (r.min !== undefined) parts.push(`${field} ≥ ${r.min}`);
    if (r.max !== undefined) parts.push(`${field} ≤ ${r.max}`);
  }
  return parts.length === 0 ? 'every analysed customer' : parts.join(' AND ');
}
