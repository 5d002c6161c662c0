/** The sampler's resumed SHA-256 against node:crypto: every length across block boundaries, UTF-8 of every width. */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random.js';
import { resumeSha256 } from '../../src/core/sha256-resume.js';

describe('resumeSha256', () => {
  it('equals SHA-256 of the first block and the text, for texts of 0–300 characters of any UTF-8 width', () => {
    const rand = seededRandom('sha256-resume');
    const alphabet = ['a', 'Z', '9', ' ', "'", '(', 'é', 'ß', '€', '中', '😀'];
    for (let trial = 0; trial < 2000; trial++) {
      const first = crypto.hash('sha256', `seed ${trial}`, 'hex');
      const h = resumeSha256(Buffer.from(first));
      const length = trial < 300 ? trial : Math.floor(rand() * 300);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const expected = crypto.hash('sha256', first + text, 'buffer');
      expect(Buffer.from(h.bytes(text)).equals(expected), `${trial}: ${JSON.stringify(text)}`).toBe(true);
      expect(Buffer.from(new Uint8Array(h.words(text).slice().buffer)).readInt32LE(0)).toBe(
        expected.readInt32BE(0),
      );
    }
  });

  it('refuses a first block that is not 64 bytes', () => {
    expect(() => resumeSha256(new Uint8Array(63))).toThrow(/64 bytes/);
  });
});
