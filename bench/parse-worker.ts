/** Worker of the `json-parse-cores` job: JSON.parse of each file it is given, nothing else. */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';

let n = 0;
for (const f of workerData as string[]) {
  const doc = JSON.parse(await readFile(f, 'utf8')) as { CVR?: unknown[]; Sessions?: unknown[] };
  n += (doc.CVR ?? doc.Sessions ?? []).length;
}
parentPort!.postMessage(n);
