/**
 * Trains the reactivation model of a worker-thread analysis on a short-lived thread of its own
 * (reactivationTrainingWorker.ts): the chunks' packed past episodes go in, the model and its
 * evaluation come out. A million customers make ≈2 M episodes, and the objects of the episodes
 * and of the fit take over a gigabyte that the main thread's heap would otherwise keep (V8 does
 * not give a grown heap back soon) through the rest of the run; the thread's heap goes with it.
 */
import { Worker } from 'node:worker_threads';
import type { LogisticModel } from '../core/prioritise/index.js';
import { MAX_TRAINING_EPISODES } from '../core/prioritise/pastEpisodes.js';
import type { ReactivationModelSummary } from './diagnoseAndPrioritise.js';
import type { PackedEpisodes } from './pastEpisodeChunks.js';

export interface TrainedReactivationModel {
  model: LogisticModel | null;
  summary: ReactivationModelSummary;
}

/**
 * Old-generation heap of the training thread: the episodes and the fit's rows take ≈ 300 bytes
 * per episode while training; unbounded, the heap grew to 1.6 GB on 2.2 M episodes with the
 * fit's garbage, so it is bounded (it collects sooner), with room to spare so a longer history
 * does not run out of memory.
 */
function heapLimitMb(parts: readonly PackedEpisodes[]): number {
  let episodes = 0;
  for (const p of parts) for (const v of p.values) episodes += v.length / (p.names.length + 1);
  return Math.max(1_024, Math.ceil((Math.min(episodes, MAX_TRAINING_EPISODES) * 500) / 1e6));
}

/** The model from the chunks' episodes (in customer_id order); the parts' buffers are transferred. */
export async function trainOnOwnThread(
  asOf: string,
  parts: PackedEpisodes[],
): Promise<TrainedReactivationModel> {
  const worker = new Worker(new URL('./analysisWorkerBoot.mjs', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: heapLimitMb(parts) },
    workerData: {
      entry: new URL('./reactivationTrainingWorker.ts', import.meta.url).href,
      asOf,
      parts,
    },
    transferList: parts.flatMap((p) => p.values.map((v) => v.buffer as ArrayBuffer)),
  });
  try {
    return await new Promise<TrainedReactivationModel>((resolve, reject) => {
      worker.once('message', (m: TrainedReactivationModel | { error: string }) => {
        if ('error' in m) reject(new Error(m.error));
        else resolve(m);
      });
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the model training thread stopped (exit code ${code})`)),
      );
    });
  } finally {
    await worker.terminate();
  }
}
