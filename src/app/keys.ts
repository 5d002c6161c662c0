/** Reading key files. Key material is never printed or logged; errors name the file, not its content. */
import { readFile } from 'node:fs/promises';
import { NoteError, parseSignerKey, parseVerifierKey, type Signer, type Verifier } from '../core/log/note.js';

export class KeyFileError extends Error {}

async function readKeyText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new KeyFileError(
      `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

export async function readSignerKey(file: string): Promise<Signer> {
  const text = await readKeyText(file, 'signer key');
  try {
    return parseSignerKey(text);
  } catch (e) {
    throw new KeyFileError(`${file}: ${e instanceof NoteError ? e.message : 'not a signer key'}`);
  }
}

/** A verifier key from a file, or given inline as key text (name+id+key). */
export async function readVerifierKey(fileOrText: string): Promise<Verifier> {
  const text = /^[^\s+/][^\s+]*\+[0-9a-f]{8}\+/.test(fileOrText)
    ? fileOrText
    : await readKeyText(fileOrText, 'verifier key');
  try {
    return parseVerifierKey(text);
  } catch (e) {
    throw new KeyFileError(`${fileOrText}: ${e instanceof NoteError ? e.message : 'not a verifier key'}`);
  }
}
