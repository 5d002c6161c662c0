/** Worker thread: prepares batches of CVR texts (see prepare-cvrs.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { indexDefinition } from '../core/cvr/validate.js';
import { loadElection } from '../core/election/load.js';
import type { RawRecord } from '../formats/cvr-format.js';
import { InputError } from '../formats/errors.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import { packBatch, prepareBatch, type WorkerInit, type WorkerReply } from './prepare-cvrs.js';

const init = workerData as WorkerInit;
const loaded = loadElection(init.definition, nodeSha256);
if (!loaded.ok) throw new Error('the worker was given an invalid definition');
const ctx = {
  ...init,
  election: loaded.value.election,
  index: indexDefinition(loaded.value.election),
};

parentPort!.on('message', ({ id, batch }: { id: number; batch: RawRecord[] }) => {
  let reply: WorkerReply;
  try {
    const packed = packBatch(prepareBatch(ctx, batch));
    reply = { id, ok: true, batch: packed };
    parentPort!.postMessage(reply, [
      packed.bodies.buffer,
      packed.hashes.buffer,
      packed.offsets.buffer,
    ] as ArrayBuffer[]);
    return;
  } catch (e) {
    reply =
      e instanceof InputError
        ? { id, ok: false, input: { file: e.file, record: e.record, reason: e.reason }, message: e.message }
        : { id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
