/** Worker thread: the smallest-ticket candidates of one share of a ballot manifest (see sample-manifest.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { type ManifestShare, shareCandidates } from './sample-manifest.js';

parentPort!.postMessage(shareCandidates(workerData as ManifestShare));
