/**
 * The segment builder: ticks for list fields (status, rank, reason, owner, prefecture…), from–to
 * boxes for numeric features (P(alive), expected value, days since the last purchase…), yes/no
 * flags, and the live count of the caller's matching customers while the filter changes. The
 * server validates every preview and save; its field-named errors are shown at the field.
 */
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import {
  ApiError,
  api,
  type Segment,
  type SegmentFields,
  type SegmentFilter,
  type SegmentPreview,
} from '../api';
import { formatCount, formatDate, formatYen } from '../format';
import { type MessageKey, type Translate, useI18n } from '../i18n';
import { Link } from '../router';

export const LIST_FIELDS = [
  'status',
  'rank',
  'reason',
  'health_level',
  'owner',
  'industry',
  'prefecture',
  'main_category',
  'kind',
] as const;
export type ListField = (typeof LIST_FIELDS)[number];

const LIST_LABELS: Record<ListField, MessageKey> = {
  status: 'col.status',
  rank: 'col.rank',
  reason: 'col.reason',
  health_level: 'metric.health_level',
  owner: 'col.owner',
  industry: 'col.industry',
  prefecture: 'col.prefecture',
  main_category: 'metric.main_category',
  kind: 'customer.kind',
};
/** Shown in percent, stored as 0–1. */
const PERCENT_FIELDS = new Set(['p_alive', 'reactivation_probability', 'reason_confidence']);
const YEN_FIELDS = new Set(['expected_value', 'yearly_value_yen', 'total_spend_yen']);
const PREVIEW_ROWS = 10;
const PREVIEW_DELAY_MS = 300;

type FlagValue = '' | 'yes' | 'no';
export interface Draft {
  lists: Partial<Record<ListField, string[]>>;
  ranges: Record<string, { min: string; max: string }>;
  flags: Record<string, FlagValue>;
}

export const EMPTY_DRAFT: Draft = { lists: {}, ranges: {}, flags: {} };

/** A number typed by a person (full-width digits and commas allowed); NaN when it is no number. */
function numberOf(text: string): number | null {
  const normalised = text
    .normalize('NFKC')
    .replace(/[,¥￥%]/g, '')
    .trim();
  if (normalised === '') return null;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : Number.NaN;
}

function rangeLabel(t: Translate, field: string): string {
  return t(`metric.${field}` as MessageKey);
}

export function draftOf(filter: SegmentFilter): Draft {
  const draft: Draft = { lists: {}, ranges: {}, flags: {} };
  for (const field of LIST_FIELDS) {
    const values = filter[field];
    if (values) draft.lists[field] = [...values];
  }
  for (const [field, range] of Object.entries(filter.ranges ?? {})) {
    const scale = PERCENT_FIELDS.has(field) ? 100 : 1;
    const show = (v: number | undefined) =>
      v === undefined ? '' : String(Math.round(v * scale * 1e6) / 1e6);
    draft.ranges[field] = { min: show(range.min), max: show(range.max) };
  }
  for (const flag of ['reason_resolved', 'gap_alert'] as const) {
    const value = filter[flag];
    if (value !== undefined) draft.flags[flag] = value ? 'yes' : 'no';
  }
  return draft;
}

/** The filter the draft describes, and the boxes that hold no number. */
export function filterOf(draft: Draft): { filter: SegmentFilter; badNumbers: string[] } {
  const filter: SegmentFilter = {};
  const badNumbers: string[] = [];
  for (const field of LIST_FIELDS) {
    const values = draft.lists[field];
    if (values && values.length > 0) filter[field] = values;
  }
  const ranges: NonNullable<SegmentFilter['ranges']> = {};
  for (const [field, typed] of Object.entries(draft.ranges)) {
    const scale = PERCENT_FIELDS.has(field) ? 100 : 1;
    const range: { min?: number; max?: number } = {};
    for (const end of ['min', 'max'] as const) {
      const n = numberOf(typed[end]);
      if (n === null) continue;
      if (Number.isNaN(n)) badNumbers.push(`ranges.${field}`);
      else range[end] = n / scale;
    }
    if (range.min !== undefined || range.max !== undefined) ranges[field] = range;
  }
  if (Object.keys(ranges).length > 0) filter.ranges = ranges;
  for (const [flag, value] of Object.entries(draft.flags)) {
    if (value !== '') filter[flag as 'gap_alert' | 'reason_resolved'] = value === 'yes';
  }
  return { filter, badNumbers };
}

/** A label for a value of a list field, in the UI language. */
export function useValueLabel(): (field: string, value: string) => string {
  const { t, label } = useI18n();
  return (field, value) => {
    if (field === 'status') return label('status', value);
    if (field === 'reason') return label('reason', value);
    // Both lists are fixed by the filter schema, and the catalogue names every value.
    if (field === 'health_level') return t(`health.${value}` as MessageKey);
    if (field === 'kind') return t(`segments.kind.${value}` as MessageKey);
    return value;
  };
}

/** The filter in words, one phrase per condition ("ステータス: 中期休眠・長期休眠", "期待値: ￥50,000〜"). */
export function useDescribeFilter(): (filter: SegmentFilter) => string[] {
  const { t, language } = useI18n();
  const valueLabel = useValueLabel();
  const separator = language === 'ja' ? '・' : ', ';
  return (filter) => {
    const parts: string[] = [];
    for (const field of LIST_FIELDS) {
      const values = filter[field];
      if (values)
        parts.push(`${t(LIST_LABELS[field])}: ${values.map((v) => valueLabel(field, v)).join(separator)}`);
    }
    for (const flag of ['reason_resolved', 'gap_alert'] as const) {
      const value = filter[flag];
      if (value !== undefined)
        parts.push(`${t(`segments.flag.${flag}`)}: ${t(value ? 'common.yes' : 'common.no')}`);
    }
    for (const [field, range] of Object.entries(filter.ranges ?? {})) {
      const show = (v: number | undefined) =>
        v === undefined
          ? ''
          : PERCENT_FIELDS.has(field)
            ? `${Math.round(v * 1000) / 10}%`
            : YEN_FIELDS.has(field)
              ? formatYen(v)
              : formatCount(v);
      parts.push(`${rangeLabel(t, field)}: ${show(range.min)}〜${show(range.max)}`);
    }
    return parts.length === 0 ? [t('segments.noConditions')] : parts;
  };
}

function fieldMessage(t: Translate, field: string, message: string): string {
  if (field.startsWith('ranges.') && /min must not exceed max/.test(message))
    return t('segments.error.range');
  if (field === 'name') return t('segments.error.name');
  return message;
}

export function SegmentBuilder({
  fields,
  canSave,
  scoped,
  segment,
  onSaved,
}: {
  fields: SegmentFields;
  canSave: boolean;
  /** The caller sees only their own accounts (a sales rep): say so beside the count. */
  scoped: boolean;
  /** The stored segment being changed; a new one when absent. */
  segment?: Segment;
  onSaved: (saved: Segment) => void;
}) {
  const { t, language } = useI18n();
  const valueLabel = useValueLabel();
  const [draft, setDraft] = useState<Draft>(() => (segment ? draftOf(segment.filter) : EMPTY_DRAFT));
  const [name, setName] = useState(segment?.name ?? '');
  const [preview, setPreview] = useState<SegmentPreview | null>(null);
  const [counting, setCounting] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const previewSeq = useRef(0);

  const { filter, badNumbers } = useMemo(() => filterOf(draft), [draft]);
  const filterKey = JSON.stringify(filter);

  const serverErrors = (error: unknown): Record<string, string> | null => {
    if (!(error instanceof ApiError) || error.issues.length === 0) return null;
    const next: Record<string, string> = {};
    for (const issue of error.issues) {
      const field = issue.field.replace(/^body\.(filter\.)?/, '');
      const key = /^ranges\.\w+/.exec(field)?.[0] ?? field.split('.')[0] ?? field;
      next[key] ??= fieldMessage(t, key, issue.message);
    }
    return next;
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the preview depends on the filter alone (t and serverErrors only translate)
  useEffect(() => {
    const local: Record<string, string> = {};
    for (const field of badNumbers) local[field] = t('segments.error.number');
    if (badNumbers.length > 0) {
      previewSeq.current++;
      setErrors(local);
      setPreview(null);
      setCounting(false);
      return;
    }
    const seq = ++previewSeq.current;
    setCounting(true);
    const timer = setTimeout(() => {
      api.previewSegment(JSON.parse(filterKey) as SegmentFilter, PREVIEW_ROWS).then(
        (result) => {
          if (seq !== previewSeq.current) return;
          setPreview(result);
          setErrors({});
          setCounting(false);
        },
        (error: unknown) => {
          if (seq !== previewSeq.current) return;
          setCounting(false);
          setPreview(null);
          setErrors(
            serverErrors(error) ?? { filter: error instanceof Error ? error.message : String(error) },
          );
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filterKey, badNumbers.join()]);

  const toggle = (field: ListField, value: string, on: boolean) => {
    setDraft((d) => {
      const current = d.lists[field] ?? [];
      const values = on ? [...current, value] : current.filter((v) => v !== value);
      return { ...d, lists: { ...d.lists, [field]: values } };
    });
  };
  const setRange = (field: string, end: 'min' | 'max', text: string) => {
    setDraft((d) => {
      const current = d.ranges[field] ?? { min: '', max: '' };
      return { ...d, ranges: { ...d.ranges, [field]: { ...current, [end]: text } } };
    });
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (badNumbers.length > 0) {
      setMessage({ ok: false, text: t('segments.invalid') });
      return;
    }
    try {
      const saved = segment
        ? await api.updateSegment(segment.id, name, filter)
        : await api.createSegment(name, filter);
      setMessage({
        ok: true,
        text: t('segments.savedMessage', { name: saved.name, count: formatCount(saved.count) }),
      });
      setErrors({});
      if (!segment) {
        setName('');
        setDraft(EMPTY_DRAFT);
      }
      onSaved(saved);
    } catch (error) {
      const next = serverErrors(error);
      if (next) {
        setErrors(next);
        setMessage({ ok: false, text: t('segments.invalid') });
      } else if (error instanceof ApiError && error.code === 'conflict') {
        setErrors({ name: error.message });
        setMessage({ ok: false, text: error.message });
      } else {
        setMessage({ ok: false, text: error instanceof Error ? error.message : String(error) });
      }
    }
  };

  const fieldError = (field: string) =>
    errors[field] ? (
      <span className="field-error" role="alert" data-field={field}>
        {errors[field]}
      </span>
    ) : null;

  return (
    <form className="card form segment-builder" onSubmit={save} noValidate data-testid="segment-builder">
      <h2>{segment ? t('segments.edit') : t('segments.builder')}</h2>
      <h3>{t('segments.lists')}</h3>
      <div className="segment-lists">
        {LIST_FIELDS.map((field) => {
          const values = fields.lists[field] ?? [];
          if (values.length === 0) return null;
          const chosen = new Set(draft.lists[field] ?? []);
          return (
            <fieldset key={field} className={errors[field] ? 'checks invalid' : 'checks'} data-field={field}>
              <legend>{t(LIST_LABELS[field])}</legend>
              <div className="check-options">
                {values.map((value) => (
                  <label key={value} className="check">
                    <input
                      type="checkbox"
                      name={field}
                      value={value}
                      checked={chosen.has(value)}
                      onChange={(e) => toggle(field, value, e.target.checked)}
                    />
                    {valueLabel(field, value)}
                  </label>
                ))}
              </div>
              {fieldError(field)}
            </fieldset>
          );
        })}
      </div>
      <h3>{t('segments.ranges')}</h3>
      <div className="segment-ranges">
        {fields.ranges.map((field) => {
          const typed = draft.ranges[field] ?? { min: '', max: '' };
          const label = rangeLabel(t, field);
          const unit = PERCENT_FIELDS.has(field) ? t('segments.percent') : '';
          const invalid = Boolean(errors[`ranges.${field}`]);
          return (
            <div key={field} className="range-row" data-field={`ranges.${field}`}>
              <span className="range-name">
                {label}
                {unit && ` (${unit})`}
              </span>
              {(['min', 'max'] as const).map((end) => (
                <input
                  key={end}
                  name={`ranges.${field}.${end}`}
                  aria-label={`${label} ${t(`segments.${end}`)}`}
                  placeholder={t(`segments.${end}`)}
                  inputMode="decimal"
                  value={typed[end]}
                  aria-invalid={invalid}
                  onChange={(e) => setRange(field, end, e.target.value)}
                />
              ))}
              {fieldError(`ranges.${field}`)}
            </div>
          );
        })}
      </div>
      <h3>{t('segments.flags')}</h3>
      <div className="filters">
        {fields.flags.map((flag) => (
          <label key={flag} className="filter">
            {t(`segments.flag.${flag}` as MessageKey)}
            <select
              name={`flags.${flag}`}
              value={draft.flags[flag] ?? ''}
              onChange={(e) =>
                setDraft((d) => ({ ...d, flags: { ...d.flags, [flag]: e.target.value as FlagValue } }))
              }
            >
              <option value="">{t('segments.any')}</option>
              <option value="yes">{t('common.yes')}</option>
              <option value="no">{t('common.no')}</option>
            </select>
            {fieldError(flag)}
          </label>
        ))}
      </div>
      {errors.filter && <p className="error">{errors.filter}</p>}

      <div className="segment-live" aria-live="polite">
        <strong data-testid="segment-count" data-count={counting ? '' : String(preview?.count ?? '')}>
          {preview && !counting
            ? t('segments.liveCount', { count: formatCount(preview.count) })
            : !counting && Object.keys(errors).length > 0
              ? t('segments.invalid')
              : t('segments.counting')}
        </strong>
        {preview?.analysis && (
          <span className="muted">
            {' '}
            {t('segments.asOf', { date: formatDate(preview.analysis.as_of, language) })}
          </span>
        )}
        {scoped && <span className="muted"> {t('segments.scopeNote')}</span>}
        {preview && !preview.analysis && preview.count === 0 && (
          <p className="notice">{t('segments.noAnalysis')}</p>
        )}
      </div>
      {preview && preview.customers.length > 0 && (
        <>
          <p className="muted">{t('segments.previewTitle', { n: preview.customers.length })}</p>
          <ul className="plain segment-preview" data-testid="segment-preview">
            {preview.customers.map((c) => (
              <li key={c.customer_id}>
                <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.name}</Link>{' '}
                <span className="muted">
                  {valueLabel('status', c.status)} · {c.rank ?? '—'} · {formatYen(c.expected_value)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}

      {canSave ? (
        <div className="actions">
          <label className={errors.name ? 'invalid' : undefined}>
            {t('segments.name')}
            <input
              name="segment-name"
              value={name}
              maxLength={100}
              aria-invalid={Boolean(errors.name)}
              onChange={(e) => setName(e.target.value)}
            />
            {fieldError('name')}
          </label>
          <button type="submit" className="button">
            {segment ? t('segments.saveChanges') : t('segments.saveNew')}
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setDraft(EMPTY_DRAFT);
              setErrors({});
            }}
          >
            {t('segments.clear')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('segments.readOnly')}</p>
      )}
      {message && (
        <p
          className={message.ok ? 'ok' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="segment-message"
        >
          {message.text}
        </p>
      )}
    </form>
  );
}
