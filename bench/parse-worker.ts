/** Worker of the `json-parse-cores` job: parseFiles over its share of the files. */
import { parentPort, workerData } from 'node:worker_threads';
import { parseFiles } from './parse-files.js';

parentPort!.postMessage(await parseFiles(workerData as string[]));
