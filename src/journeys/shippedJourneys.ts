/**
 * The shipped journeys (core journeyLibrary) in the database: installed disabled, once, the
 * first time journeys are listed or run, so `mezame journey list` and the app show them before
 * anyone enables one. A journey a person saved over keeps their version.
 */
import { SHIPPED_JOURNEYS, shippedJourneySource } from '../core/act/journeyLibrary.js';
import { installJourneys } from '../storage/journeyQueries.js';
import type { Storage } from '../storage/storage.js';

/** Installs the shipped journeys missing from the database; returns how many were added. */
export function ensureShippedJourneys(storage: Storage, now: Date): Promise<number> {
  return installJourneys(
    storage,
    SHIPPED_JOURNEYS.map((definition) => ({
      definition,
      source: shippedJourneySource(definition.id) ?? `${JSON.stringify(definition, null, 2)}\n`,
      format: 'json' as const,
    })),
    now.toISOString(),
  );
}
