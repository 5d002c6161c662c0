/** Worker thread: reads the ballots of RCTab CVR sources, one job per message (see readAllBallots in rcv.ts). */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../formats/errors.js';
import { type RcvWorkerReply, readSourceBallots, type SourceJob } from './rctab-sources.js';

parentPort!.on('message', async (job: SourceJob) => {
  let reply: RcvWorkerReply;
  try {
    reply = { ok: true, ballots: await readSourceBallots(job) };
  } catch (e) {
    reply =
      e instanceof InputError
        ? {
            ok: false,
            input: { file: e.file, ...(e.record ? { record: e.record } : {}), reason: e.reason },
            message: e.message,
          }
        : { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
