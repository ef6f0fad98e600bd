/** The thread reactivationTraining.ts starts: merges the packed episodes and trains the model. */
import { parentPort, workerData } from 'node:worker_threads';
import { modelFromEpisodes } from './diagnoseAndPrioritise.js';
import { mergeEpisodes, type PackedEpisodes } from './pastEpisodeChunks.js';

const parent = parentPort;
if (!parent) throw new Error('reactivationTrainingWorker.ts runs only as a worker thread');
const { asOf, parts } = workerData as { asOf: string; parts: PackedEpisodes[] };
try {
  const { episodes, snapshots, available } = mergeEpisodes(asOf, parts);
  parent.postMessage(modelFromEpisodes(episodes, snapshots, available));
} catch (error) {
  parent.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
