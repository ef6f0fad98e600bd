// Starts an analysis worker (analysisWorker.ts) on its own thread: a worker thread does not
// inherit the TypeScript loader of the thread that made it, so it registers tsx first.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
