/**
 * A journey's steps as cards in the order written, each with its label and where it goes next;
 * a branch shows its two paths (then / else), a split its variants. With `counts` (the live
 * monitor) each card also shows how many customers wait at the step and how many passed it.
 * Targets are in-page links, so the flow can be followed with the keyboard.
 */
import type { BranchCondition, JourneyDefinition, JourneyStep } from '../actTypes';
import { formatCount } from '../format';
import { type MessageKey, type Translate, useI18n } from '../i18n';

const END = 'end';

export function useStepLabel(): (step: JourneyStep) => string {
  const { t, label } = useI18n();
  return (step) => stepLabel(step, t, label);
}

function conditionLabel(
  condition: BranchCondition,
  t: Translate,
  label: ReturnType<typeof useI18n>['label'],
): string {
  if ('reaction' in condition) {
    const text = t(`journey.reaction.${condition.reaction}` as MessageKey);
    return condition.step ? `${text}（${condition.step}）` : text;
  }
  if ('reason' in condition)
    return t('journey.if.reason', { values: condition.reason.map((r) => label('reason', r)).join('・') });
  if ('status' in condition)
    return t('journey.if.status', { values: condition.status.map((s) => label('status', s)).join('・') });
  return t('journey.if.rank', { values: condition.rank.join('・') });
}

function stepLabel(step: JourneyStep, t: Translate, label: ReturnType<typeof useI18n>['label']): string {
  switch (step.type) {
    case 'send':
      return t('journey.step.send', {
        channel: t(`channel.${step.channel}` as MessageKey),
        template: step.template,
      });
    case 'wait':
      return step.days < 1
        ? t('journey.step.waitHours', { hours: Math.round(step.days * 240) / 10 })
        : t('journey.step.wait', { days: step.days });
    case 'task':
      return t(step.kind === 'visit' ? 'journey.step.visitTask' : 'journey.step.callTask');
    case 'branch':
      return t('journey.step.branch', { condition: conditionLabel(step.if, t, label) });
    case 'split':
      return t('journey.step.split', { n: step.variants.length });
    case 'holdout':
      return t('journey.step.holdout', { percent: step.percent });
  }
}

/** Where a step without a branch goes: its `next`, else the step written after it, else the end. */
function nextOf(steps: JourneyStep[], index: number): string {
  const step = steps[index];
  if (step && 'next' in step && step.next) return step.next;
  return steps[index + 1]?.id ?? END;
}

export function JourneyFlow({
  definition,
  counts,
  labels,
  testId = 'journey-flow',
}: {
  definition: JourneyDefinition;
  counts?: Record<string, { waiting: number; passed: number }>;
  /** The server's labels by step id (the monitor's), else the flow labels its steps itself. */
  labels?: Record<string, string>;
  testId?: string;
}) {
  const { t } = useI18n();
  const localLabel = useStepLabel();
  const labelOf = (step: JourneyStep) => labels?.[step.id] ?? localLabel(step);
  const byId = new Map(definition.steps.map((s) => [s.id, s]));
  const anchor = (id: string) => `${testId}-step-${id}`;
  const target = (id: string) => {
    if (id === END) return <span className="flow-end">{t('journey.end')}</span>;
    const step = byId.get(id);
    return (
      <a href={`#${anchor(id)}`}>
        {step ? labelOf(step) : id} <span className="muted mono">{id}</span>
      </a>
    );
  };
  return (
    <ol className="flow" data-testid={testId} aria-label={t('journey.flow')}>
      <li className="flow-start">{t('journey.start')}</li>
      {definition.steps.map((step, index) => {
        const count = counts?.[step.id];
        const next = nextOf(definition.steps, index);
        const following = definition.steps[index + 1]?.id ?? END;
        return (
          <li
            key={step.id}
            id={anchor(step.id)}
            className={`flow-step flow-${step.type}`}
            data-testid="flow-step"
            data-step-id={step.id}
          >
            <div className="flow-head">
              <span className={`badge step-${step.type}`}>
                {t(`journey.type.${step.type}` as MessageKey)}
              </span>
              <strong className="flow-label">{labelOf(step)}</strong>
              <span className="muted mono">{step.id}</span>
              {count && (
                <span
                  className={count.waiting + count.passed === 0 ? 'flow-counts muted' : 'flow-counts'}
                  data-testid="flow-counts"
                >
                  {t('journey.monitor.waiting', { n: formatCount(count.waiting) })} ・{' '}
                  {t('journey.monitor.passed', { n: formatCount(count.passed) })}
                </span>
              )}
            </div>
            {step.type === 'task' && step.note && !labelOf(step).includes(step.note) && (
              <div className="muted small">{step.note}</div>
            )}
            {step.type === 'branch' && (
              <div className="flow-paths" data-testid="flow-paths">
                <div className="flow-path then">
                  <span className="flow-path-name">{t('journey.then')}</span> → {target(step.then)}
                </div>
                <div className="flow-path else">
                  <span className="flow-path-name">{t('journey.else')}</span> → {target(step.else)}
                </div>
              </div>
            )}
            {step.type === 'split' && (
              <div className="flow-paths">
                {step.variants.map((v) => (
                  <div key={v.name} className="flow-path">
                    <span className="flow-path-name">
                      {v.name}（{v.weight}）
                    </span>{' '}
                    → {target(v.next)}
                  </div>
                ))}
              </div>
            )}
            {step.type === 'holdout' && <div className="muted small">{t('journey.holdoutNote')}</div>}
            {step.type !== 'branch' && step.type !== 'split' && next !== following && (
              <div className="flow-jump">
                {t('journey.next')} → {target(next)}
              </div>
            )}
          </li>
        );
      })}
      <li className="flow-start">{t('journey.end')}</li>
    </ol>
  );
}
