/**
 * The chunked past episodes (what analysis workers build) against pastDormantEpisodes over the
 * same SQLite data: the same episodes in the same order, whatever the chunk boundaries, with
 * orders of customer_ids that are not (or no longer) in the customers table counted too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSyntheticDatabase } from '../../bench/syntheticAnalysisData.js';
import { sampleEpisodes } from '../core/prioritise/pastEpisodes.js';
import { addDays } from '../core/detect/isoDays.js';
import { chunkAggregates } from '../storage/detectionQueries.js';
import { openStorage, type Storage } from '../storage/index.js';
import { pastDormantEpisodes } from '../storage/reactivationHistory.js';
import { chunkEpisodes, episodeReads, episodesFromRows, mergeEpisodes } from './pastEpisodeChunks.js';

const AS_OF = '2026-03-31';
let dir: string;
let storage: Storage;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mezame-episodes-'));
  const file = join(dir, 'source.db');
  await ensureSyntheticDatabase({ dbFile: file, customers: 1_500, asOf: AS_OF });
  storage = await openStorage({ dbFile: file });
  // An order of a customer_id before the first customer and one after the last, one with an
  // instant and a refund: every order row counts, as in pastDormantEpisodes.
  storage.sqlite?.exec(`
    INSERT INTO orders (order_id, customer_id, ordered_at, amount, is_refund) VALUES
      ('X1', 'A-orphan', '2023-06-01', 1000, 0), ('X2', 'A-orphan', '2024-01-10T09:30:00Z', 2500, 0),
      ('X3', 'Z-orphan', '2023-07-01', 500, 0), ('X4', 'C0000001', '2024-02-01', -700, 1)`);
}, 60_000);
afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('chunked past dormant episodes', () => {
  it.each([[[]], [['C0000500']], [['C0000001', 'C0000377', 'C0000900', 'C0001499']]])(
    'equal pastDormantEpisodes with chunk starts %j',
    async (starts) => {
      const expected = await pastDormantEpisodes(storage, AS_OF);
      const bounds = [null, ...starts, null];
      const parts = [];
      for (let i = 0; i + 1 < bounds.length; i++) {
        parts.push(
          await chunkEpisodes(storage, AS_OF, bounds[i] as string | null, bounds[i + 1] as string | null),
        );
      }
      const merged = mergeEpisodes(AS_OF, parts);
      expect(expected.snapshots.length).toBeGreaterThan(1);
      expect(expected.episodes.length).toBeGreaterThan(500);
      expect(merged.snapshots).toEqual(expected.snapshots);
      expect(merged.episodes).toEqual(expected.episodes);
      expect(merged.available).toBe(expected.episodes.length);
      // Above the training cap both paths keep the same even sample, counted over all chunks.
      const max = Math.floor(expected.episodes.length / 3);
      const thinned = mergeEpisodes(AS_OF, parts, max);
      const sampled = sampleEpisodes(expected.episodes, max);
      expect(thinned.episodes.length).toBeLessThanOrEqual(max);
      expect(thinned.episodes.length).toBeGreaterThan(max / 2);
      expect(thinned.episodes).toEqual(sampled.sample);
      expect(thinned.available).toBe(sampled.available);
    },
  );

  it.each([[['C0000500']], [['C0000001', 'C0000377', 'C0000900', 'C0001499']]])(
    "come out the same from the workers' one scan of a chunk's orders (chunk starts %j)",
    async (starts) => {
      const expected = await pastDormantEpisodes(storage, AS_OF);
      const first = storage.sqlite?.prepare('SELECT min(customer_id) FROM customers').pluck().get() as string;
      const chunkStarts = [first, ...starts];
      const { spendBefore, until } = episodeReads(AS_OF);
      // The aggregation reads orders before the day after as-of: the episodes' horizon too.
      expect(until).toBe(addDays(AS_OF, 1));
      const parts = [];
      for (let i = 0; i < chunkStarts.length; i++) {
        const { episodeRows } = await chunkAggregates(
          storage,
          AS_OF,
          {
            from: chunkStarts[i] as string,
            to: chunkStarts[i + 1] ?? null,
            ordersFrom: i === 0 ? null : (chunkStarts[i] as string),
          },
          spendBefore,
        );
        parts.push(episodesFromRows(AS_OF, episodeRows));
      }
      const merged = mergeEpisodes(AS_OF, parts);
      expect(merged.snapshots).toEqual(expected.snapshots);
      expect(merged.episodes).toEqual(expected.episodes);
    },
  );

  it('has no episodes and no snapshots without orders', async () => {
    const merged = mergeEpisodes(AS_OF, [await chunkEpisodes(storage, AS_OF, 'ZZ', null)]);
    expect(merged).toEqual({ episodes: [], snapshots: [], available: 0 });
  });
});
