import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from './bytes.js';

/** A SHA-256 implementation. Core defaults to @noble/hashes; Node swaps in node:crypto on hot paths. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

export const portableSha256: Sha256 = (data) => nobleSha256(data);

export const sha256Hex = (data: Uint8Array, sha256: Sha256 = portableSha256): string => toHex(sha256(data));
