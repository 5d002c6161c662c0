/** Worker thread: prepares batches of CVR texts (see prepare-cvrs.ts). */
import { parentPort } from 'node:worker_threads';
import { indexDefinition } from '../core/cvr/validate.js';
import { loadElection } from '../core/election/load.js';
import { InputError } from '../formats/errors.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import {
  type PrepareContext,
  packBatch,
  prepareBatch,
  type WorkerMessage,
  type WorkerReply,
} from './prepare-cvrs.js';

let ctx: PrepareContext | undefined;

parentPort!.on('message', (message: WorkerMessage) => {
  if (message.init) {
    const { init } = message;
    const loaded = loadElection(init.definition, nodeSha256);
    if (!loaded.ok) throw new Error('the worker was given an invalid definition');
    ctx = { ...init, election: loaded.value.election, index: indexDefinition(loaded.value.election) };
    return;
  }
  const { id, records } = message.batch;
  let reply: WorkerReply;
  try {
    if (!ctx) throw new Error("a batch came before its export's context");
    const packed = packBatch(prepareBatch(ctx, records));
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
