/**
 * A stored journey as the CLI's --json and the API show it: its summary, the file with its
 * checked definition, and the monitor (customers waiting at and passed through each step, with
 * the step's label in Japanese and English, and the exits by reason).
 */
import { journeyStepLabel } from '../core/act/journeyDefinition.js';
import { journeyMonitor, type StoredJourney } from '../storage/journeyQueries.js';
import type { Storage } from '../storage/storage.js';

export function journeySummary(j: StoredJourney) {
  return {
    id: j.id,
    name: j.name,
    description: j.description,
    trigger_type: j.trigger_type,
    enabled: j.enabled,
    enabled_at: j.enabled_at,
    version: j.version,
    shipped: j.shipped,
    format: j.format,
    updated_at: j.updated_at,
    updated_by: j.updated_by,
  };
}

/** The summary with the file as written and its checked definition. */
export function journeyWithSource(j: StoredJourney) {
  return { ...journeySummary(j), source: j.source, definition: j.definition };
}

export async function journeyDetail(storage: Storage, journey: StoredJourney) {
  const monitor = await journeyMonitor(storage, journey.id);
  return {
    journey: journeyWithSource(journey),
    monitor: {
      steps: journey.definition.steps.map((step) => ({
        id: step.id,
        type: step.type,
        label_ja: journeyStepLabel(step, 'ja'),
        label_en: journeyStepLabel(step, 'en'),
        waiting: monitor.waiting[step.id] ?? 0,
        passed: monitor.passed[step.id] ?? 0,
      })),
      active: monitor.active,
      completed: monitor.completed,
      exited: monitor.exited,
      exits: monitor.exits,
    },
  };
}
