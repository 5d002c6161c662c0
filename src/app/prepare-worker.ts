/** Worker thread: prepares batches of CVR texts (see prepare-cvrs.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { indexDefinition } from '../core/cvr/validate.js';
import { loadElection } from '../core/election/load.js';
import { InputError } from '../formats/errors.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import { packBatch, prepareBatch, type RawCvr, type WorkerReply } from './prepare-cvrs.js';

const { file, jurisdiction, definition } = workerData as {
  file: string;
  jurisdiction: string;
  definition: Uint8Array;
};
const loaded = loadElection(definition, nodeSha256);
if (!loaded.ok) throw new Error('the worker was given an invalid definition');
const ctx = { file, jurisdiction, index: indexDefinition(loaded.value.election) };

parentPort!.on('message', ({ id, batch }: { id: number; batch: RawCvr[] }) => {
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
