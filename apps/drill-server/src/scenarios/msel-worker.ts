import { parentPort, workerData } from 'node:worker_threads';
import { runMselTask, type MselTask } from './msel-reader.js';

// Entry of the worker thread readMselInWorker starts; the work itself is in runMselTask. Imported anywhere else (no
// task given), it does nothing.
const task = workerData as MselTask | null;
if (parentPort && task) parentPort.postMessage(await runMselTask(task));
