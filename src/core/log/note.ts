/**
 * C2SP signed-note v1 with Ed25519 keys, and the Go note key texts:
 * signer `PRIVATE+KEY+<name>+<hex8 id>+<base64(0x01‖seed)>`, verifier `<name>+<hex8 id>+<base64(0x01‖pubkey)>`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesEqual, concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from '../bytes.js';
import { portableSha256 } from '../hash.js';

const ALG_ED25519 = 0x01;
const SIG_PREFIX = '\u2014 ';

export class NoteError extends Error {}

export interface Signer {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly sign: (message: Uint8Array) => Uint8Array;
}

export interface Verifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly verify: (message: Uint8Array, signature: Uint8Array) => boolean;
}

function checkName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name))
    throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

export function keyIdFor(name: string, publicKey: Uint8Array): Uint8Array {
  return portableSha256(concatBytes(utf8(name), Uint8Array.of(0x0a, ALG_ED25519), publicKey)).subarray(0, 4);
}

function signerFromSeed(name: string, seed: Uint8Array): Signer {
  checkName(name);
  const publicKey = ed25519.getPublicKey(seed);
  return { name, keyId: keyIdFor(name, publicKey), publicKey, sign: (m) => ed25519.sign(m, seed) };
}

export function verifierFromPublicKey(name: string, publicKey: Uint8Array): Verifier {
  checkName(name);
  if (publicKey.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes');
  return {
    name,
    keyId: keyIdFor(name, publicKey),
    publicKey,
    verify: (m, s) => {
      try {
        return s.length === 64 && ed25519.verify(s, m, publicKey);
      } catch {
        return false;
      }
    },
  };
}

/** Generates a new key pair; returns both key texts. */
export function generateKey(
  name: string,
  seed: Uint8Array = ed25519.utils.randomSecretKey(),
): {
  signerKey: string;
  verifierKey: string;
} {
  const signer = signerFromSeed(name, seed);
  const id = toHex(signer.keyId);
  return {
    signerKey: `PRIVATE+KEY+${name}+${id}+${toBase64(concatBytes(Uint8Array.of(ALG_ED25519), seed))}`,
    verifierKey: verifierKeyText(signer),
  };
}

/** `name+hex8id`: how a key is named in messages and events (never the key material). */
export const keyLabel = (k: { name: string; keyId: Uint8Array }): string => `${k.name}+${toHex(k.keyId)}`;

/** The label of a verifier key text, without parsing the key material. */
export const vkeyLabel = (vkey: string): string => vkey.split('+').slice(0, 2).join('+');

export const verifierKeyText = (k: { name: string; keyId: Uint8Array; publicKey: Uint8Array }): string =>
  `${k.name}+${toHex(k.keyId)}+${toBase64(concatBytes(Uint8Array.of(ALG_ED25519), k.publicKey))}`;

function decodeKeyBytes(b64: string, what: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = fromBase64(b64);
  } catch {
    throw new NoteError(`${what}: key material is not valid base64`);
  }
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw new NoteError(`${what}: not an Ed25519 key`);
  return raw.subarray(1);
}

function parseKeyId(hex8: string | undefined, what: string): Uint8Array {
  if (!hex8 || !/^[0-9a-f]{8}$/.test(hex8)) throw new NoteError(`${what}: malformed key id`);
  return fromHex(hex8);
}

/** Splits into exactly n fields at the first n−1 '+' signs; undefined when there are fewer. */
function splitPlus(text: string, n: number): string[] | undefined {
  const out: string[] = [];
  let rest = text;
  for (let i = 0; i < n - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

export function parseSignerKey(text: string): Signer {
  // Split on the first four '+' only: base64 key material may itself contain '+'.
  const parts = splitPlus(text.trim(), 5);
  if (parts?.[0] !== 'PRIVATE' || parts[1] !== 'KEY')
    throw new NoteError('not a signer key (expected PRIVATE+KEY+<name>+<id>+<key>)');
  const [, , name, hex8, b64] = parts as [string, string, string, string, string];
  const id = parseKeyId(hex8, 'signer key');
  const signer = signerFromSeed(name, decodeKeyBytes(b64, 'signer key'));
  if (!bytesEqual(id, signer.keyId)) throw new NoteError('signer key: key id does not match the key');
  return signer;
}

export function parseVerifierKey(text: string): Verifier {
  const parts = splitPlus(text.trim(), 3);
  if (!parts || parts[0] === '') throw new NoteError('not a verifier key (expected <name>+<id>+<key>)');
  const [name, hex8, b64] = parts as [string, string, string];
  const id = parseKeyId(hex8, 'verifier key');
  const v = verifierFromPublicKey(name, decodeKeyBytes(b64, 'verifier key'));
  if (!bytesEqual(id, v.keyId)) throw new NoteError('verifier key: key id does not match the key');
  return v;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}

export interface SignedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/u.test(text))
    throw new NoteError('note text contains control characters');
}

export function signNote(text: string, signers: readonly Signer[]): string {
  checkText(text);
  if (signers.length === 0) throw new NoteError('no signer');
  const msg = utf8(text);
  const lines = signers.map((s) => `${SIG_PREFIX}${s.name} ${toBase64(concatBytes(s.keyId, s.sign(msg)))}\n`);
  return `${text}\n${lines.join('')}`;
}

export function parseNote(note: string): SignedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  checkText(text);
  const sigBlock = note.slice(split + 2);
  if (!sigBlock.endsWith('\n'))
    throw new NoteError('malformed note: signature block must end with a newline');
  const signatures = sigBlock
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      if (!line.startsWith(SIG_PREFIX)) throw new NoteError(`malformed signature line ${i + 1}`);
      const rest = line.slice(SIG_PREFIX.length);
      const space = rest.lastIndexOf(' ');
      const name = rest.slice(0, space);
      if (space <= 0) throw new NoteError(`malformed signature line ${i + 1}`);
      let raw: Uint8Array;
      try {
        raw = fromBase64(rest.slice(space + 1));
      } catch {
        throw new NoteError(`signature line ${i + 1} is not valid base64`);
      }
      if (raw.length < 5) throw new NoteError(`signature line ${i + 1} is too short`);
      return { name, keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  if (signatures.length === 0) throw new NoteError('note has no signatures');
  return { text, signatures };
}

/**
 * Verifies a signed note: signatures by unknown keys are ignored, every known key's signature must verify,
 * and at least one known key must have signed. Returns the note text and the verifiers that signed.
 */
export function verifyNote(
  note: string,
  verifiers: readonly Verifier[],
): { text: string; signedBy: Verifier[] } {
  const parsed = parseNote(note);
  const msg = utf8(parsed.text);
  const signedBy: Verifier[] = [];
  for (const sig of parsed.signatures) {
    const v = verifiers.find((k) => k.name === sig.name && bytesEqual(k.keyId, sig.keyId));
    if (!v) continue;
    if (!v.verify(msg, sig.signature)) throw new NoteError(`invalid signature by ${v.name}`);
    if (!signedBy.includes(v)) signedBy.push(v);
  }
  if (signedBy.length === 0) throw new NoteError('no signature by a known key');
  return { text: parsed.text, signedBy };
}
