/**
 * The demo's act step: the three reason-specific win-back journeys (price, product, a changed
 * environment) enabled, started on the dormant customers they are written for as of today, and
 * run once without any transport — so the journey monitor has customers on its steps and the
 * outbox shows what would go out (held: nothing is sent from a demo, whatever the environment
 * configures).
 */
import { getJourney, setJourneyEnabled } from '../storage/journeyQueries.js';
import type { Storage } from '../storage/storage.js';
import { enrolCustomers, simulationCandidates } from './journeyEnrolment.js';
import { type RunResult, runJourneys } from './journeyRunner.js';
import { ensureShippedJourneys } from './shippedJourneys.js';

export const DEMO_JOURNEYS = ['winback-price', 'winback-product', 'winback-environment'] as const;

export interface DemoJourneysResult {
  journeys: { id: string; enrolled: number }[];
  run: RunResult;
}

export async function startDemoJourneys(storage: Storage, now: Date): Promise<DemoJourneysResult> {
  await ensureShippedJourneys(storage, now);
  const journeys: DemoJourneysResult['journeys'] = [];
  for (const id of DEMO_JOURNEYS) {
    await setJourneyEnabled(storage, id, true, 'mezame demo', now.toISOString());
    const journey = await getJourney(storage, id);
    if (!journey) throw new Error(`the shipped journey ${id} is missing`);
    // Everyone the journey is written for today, not only those who fall asleep from now on.
    const candidates = await simulationCandidates(storage, journey, now);
    const { enrolled } = await enrolCustomers(storage, journey, candidates, now);
    journeys.push({ id, enrolled });
  }
  const run = await runJourneys(storage, { now, senders: {}, journeyIds: DEMO_JOURNEYS });
  return { journeys, run };
}
