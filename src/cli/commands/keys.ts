import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readSignerKey, readVerifierKey } from '../../app/keys.js';
import { generateKey, signNote, verifyNote } from '../../core/log/note.js';
import { CliFailure, say } from '../output.js';

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerKeyCommands(program: Command): void {
  program
    .command('keygen')
    .description('generate an Ed25519 signing key: FILE gets the private key text, FILE.pub the verifier key')
    .requiredOption(
      '--name <origin>',
      'key name, used as the log origin (e.g. county.example.gov/2026-general)',
    )
    .requiredOption('--out <file>', 'where to write the private key')
    .action(async (o: { name: string; out: string }) => {
      const k = generateKey(o.name);
      await writeFile(o.out, `${k.signerKey}\n`, { mode: 0o600, flag: 'wx' }).catch(
        (e: NodeJS.ErrnoException) => {
          throw new CliFailure(
            e.code === 'EEXIST'
              ? `${o.out} already exists; not overwriting a key`
              : `cannot write ${o.out}: ${e.code}`,
          );
        },
      );
      await writeFile(`${o.out}.pub`, `${k.verifierKey}\n`);
      say(k.verifierKey);
    });

  const note = program.command('note').description('C2SP signed notes');
  note
    .command('sign')
    .description('sign the note text on stdin; the signed note goes to stdout')
    .requiredOption('--key <file>', 'signer key file')
    .action(async (o: { key: string }) => {
      const signer = await readSignerKey(o.key);
      const text = await stdinText();
      process.stdout.write(signNote(text.endsWith('\n') ? text : `${text}\n`, [signer]));
    });
  note
    .command('verify')
    .description(
      'verify the signed note on stdin; exit 0 only if a trusted key signed it and every known signature holds',
    )
    .requiredOption('--vkey <vkey>', 'verifier key file or key text')
    .action(async (o: { vkey: string }) => {
      const verifier = await readVerifierKey(o.vkey);
      const { text } = verifyNote(await stdinText(), [verifier]);
      process.stdout.write(text);
    });
}
