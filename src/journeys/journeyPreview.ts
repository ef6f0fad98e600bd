/**
 * A journey's simulation on real data: the customers it would take if enabled now
 * (simulationCandidates) with their status, rank and reason, priced with the channel costs in
 * force. The CLI (`mezame journey simulate`) and the API share it.
 */
import {
  type JourneySimulation,
  type SimulationAssumptions,
  type SimulationCustomer,
  simulateJourney,
} from '../core/act/journeySimulation.js';
import type { StoredJourney } from '../storage/journeyQueries.js';
import { getChannelConfig } from '../storage/settingsQueries.js';
import type { Storage } from '../storage/storage.js';
import { simulationCandidates } from './journeyEnrolment.js';
import { loadCustomers } from './journeyFacts.js';

/** The customers a simulation runs on, with the facts its branches read. */
export async function simulationCustomers(
  storage: Storage,
  journey: StoredJourney,
  now: Date,
): Promise<SimulationCustomer[]> {
  const ids = await simulationCandidates(storage, journey, now);
  const customers = await loadCustomers(storage, ids);
  return ids.map((id) => {
    const c = customers.get(id);
    return { customerId: id, status: c?.status ?? null, rank: c?.rank ?? null, reason: c?.reason ?? null };
  });
}

/** What a message or task costs, from the channel settings in force (yen). */
export async function stepCostsYen(
  storage: Storage,
): Promise<Record<'email' | 'sms' | 'dm' | 'call' | 'visit', number>> {
  const { channels } = (await getChannelConfig(storage)).config;
  return {
    email: channels.email.cost_yen,
    sms: channels.sms.cost_yen,
    dm: channels.dm.cost_yen,
    call: channels.phone.cost_yen,
    visit: channels.visit.cost_yen,
  };
}

/** Simulates a stored journey on the customers it would take now. */
export async function simulateStoredJourney(
  storage: Storage,
  journey: StoredJourney,
  now: Date,
  assumptions: Partial<SimulationAssumptions> = {},
): Promise<JourneySimulation> {
  const [customers, costs] = await Promise.all([
    simulationCustomers(storage, journey, now),
    stepCostsYen(storage),
  ]);
  return simulateJourney(journey.definition, customers, assumptions, costs);
}
