import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  parseCheckpointText,
  signCheckpoint,
  verifyCheckpoint,
} from '../../src/core/log/checkpoint.js';
import {
  generateKey,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifyNote,
} from '../../src/core/log/note.js';

const specVkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const specNote =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

describe('signed notes (C2SP signed-note)', () => {
  it('verifies the specification example', () => {
    const { text, signedBy } = verifyNote(specNote, [parseVerifierKey(specVkey)]);
    expect(text).toBe('This is an example message.\n');
    expect(signedBy[0]?.name).toBe('example.com/foo');
  });

  it('rejects the example when the text changes by one byte', () => {
    expect(() =>
      verifyNote(specNote.replace('example message', 'example massage'), [parseVerifierKey(specVkey)]),
    ).toThrow(/invalid signature/);
  });

  it('ignores unknown keys but requires a known one', () => {
    const other = parseVerifierKey(generateKey('other.example').verifierKey);
    expect(() => verifyNote(specNote, [other])).toThrow(/no signature by a known key/);
  });

  it('round-trips generated keys and rejects a key whose id does not match', () => {
    const k = generateKey('county.example/log');
    const signer = parseSignerKey(k.signerKey);
    const verifier = parseVerifierKey(k.verifierKey);
    expect(k.signerKey.startsWith('PRIVATE+KEY+county.example/log+')).toBe(true);
    const note = signNote('hello\n', [signer]);
    expect(verifyNote(note, [verifier]).text).toBe('hello\n');
    const badId = k.verifierKey.replace(
      /\+([0-9a-f]{8})\+/,
      (_, id: string) => `+${id === '00000000' ? '00000001' : '00000000'}+`,
    );
    expect(() => parseVerifierKey(badId)).toThrow(/key id/);
  });

  it('signs and verifies checkpoints, refusing another origin', () => {
    const k = generateKey('county.example/log');
    const c = { origin: 'county.example/log', size: 5, root: new Uint8Array(32).fill(7), extensions: [] };
    const note = signCheckpoint(c, parseSignerKey(k.signerKey));
    expect(formatCheckpoint(parseCheckpointText(formatCheckpoint(c)))).toBe(formatCheckpoint(c));
    expect(verifyCheckpoint(note, parseVerifierKey(k.verifierKey), 'county.example/log').size).toBe(5);
    expect(() => verifyCheckpoint(note, parseVerifierKey(k.verifierKey), 'elsewhere')).toThrow(/origin/);
  });
});
