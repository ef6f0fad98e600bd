import type { CustomerEvent, Order } from '../api';
import { formatDate, formatYen } from '../format';
import { useI18n } from '../i18n';

const SHOWN = 60;

interface Entry {
  at: string;
  key: string;
  kind: string;
  text: string;
}

/** Orders and events of one customer, newest first. */
export function Timeline({ orders, events }: { orders: Order[]; events: CustomerEvent[] }) {
  const { t, language } = useI18n();
  const entries: Entry[] = [
    ...orders.map((o) => ({
      at: o.ordered_at,
      key: `o-${o.order_id}`,
      kind: o.is_refund ? t('customer.timeline.refund') : t('customer.timeline.order'),
      text: `${formatYen(o.amount)}${o.product ? ` ${o.product}` : ''}`,
    })),
    ...events.map((e) => ({
      at: e.occurred_at,
      key: `e-${e.event_id}`,
      kind: e.type,
      text: [e.campaign, e.text, e.channel].filter(Boolean).join(' / '),
    })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  return (
    <section className="card">
      <h2>{t('customer.timeline')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('customer.empty')}</p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {entries.slice(0, SHOWN).map((entry) => (
            <li key={entry.key}>
              <span className="when">{formatDate(entry.at, language)}</span>
              <span className="badge">{entry.kind}</span>
              <span>{entry.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
