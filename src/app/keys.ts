/**
 * Reading key files. Key material is never printed or logged: errors name the file, never its content, and
 * never an argument that holds a private key instead of a path. A signer key file that its group or others
 * can read is refused, as OpenSSH refuses an unprotected private key.
 */
import { readFile, stat } from 'node:fs/promises';
import { NoteError, parseSignerKey, parseVerifierKey, type Signer, type Verifier } from '../core/log/note.js';

export class KeyFileError extends Error {}

/** Private key text given where a file's path belongs (it would stay in shell history and the process list). */
const looksLikePrivateKey = (arg: string) => /PRIVATE\+KEY\+/i.test(arg);

function refuseKeyText(arg: string): void {
  if (looksLikePrivateKey(arg))
    throw new KeyFileError(
      'a private key was given as text where the path of its key file belongs; it is not accepted, and not printed (keep it in a file only its owner can read: chmod 600)',
    );
}

async function readKeyText(file: string, what: string): Promise<string> {
  refuseKeyText(file);
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
  let signer: Signer;
  try {
    signer = parseSignerKey(text);
  } catch (e) {
    throw new KeyFileError(`${file}: ${e instanceof NoteError ? e.message : 'not a signer key'}`);
  }
  const mode = (await stat(file)).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new KeyFileError(
      `signer key ${file} can be read by its group or others (mode ${mode.toString(8).padStart(3, '0')}): refused; make it readable by its owner only (chmod 600 ${file})`,
    );
  return signer;
}

/** A verifier key from a file, or given inline as key text (name+id+key). */
export async function readVerifierKey(fileOrText: string): Promise<Verifier> {
  refuseKeyText(fileOrText);
  const text = /^[^\s+/][^\s+]*\+[0-9a-f]{8}\+/.test(fileOrText)
    ? fileOrText
    : await readKeyText(fileOrText, 'verifier key');
  try {
    return parseVerifierKey(text);
  } catch (e) {
    throw new KeyFileError(`${fileOrText}: ${e instanceof NoteError ? e.message : 'not a verifier key'}`);
  }
}
