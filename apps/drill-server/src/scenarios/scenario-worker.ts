import { parentPort, workerData } from 'node:worker_threads';
import { validateScenarioText } from '@drill/scenario';
import type { ValidationTask } from './scenario-validator.js';

// Entry of the worker thread ScenarioValidator keeps: one text at a time, answered by task id. Imported anywhere else
// (not started as that worker), it does nothing.
if (parentPort && (workerData as { scenarioValidator?: boolean } | null)?.scenarioValidator) {
  const port = parentPort;
  port.on('message', (task: ValidationTask) =>
    port.postMessage({ id: task.id, result: validateScenarioText(task.text, task.format) }),
  );
}
