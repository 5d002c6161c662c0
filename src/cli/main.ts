/** The tallyproof command line. Every command: non-zero exit and a one-line reason on failure. */
import { Command, CommanderError } from 'commander';
import { RcvConfigError } from '../core/rcv/config.js';
import { InputError } from '../formats/errors.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEvidenceCommands } from './commands/evidence.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerLedgerCommands } from './commands/ledger.js';
import { registerCvrCommands, registerRcvCommand } from './commands/rcv.js';
import { registerResultsCommands } from './commands/results.js';
import { registerRlaCommands } from './commands/rla.js';
import { CliFailure } from './output.js';

// Output piped into a reader that stopped (`audit sample | head`): stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });

const program = new Command('tallyproof')
  .description('Election evidence anyone can re-derive: an append-only, signed log of cast vote records')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerKeyCommands(program);
registerLedgerCommands(program);
registerEvidenceCommands(program);
registerResultsCommands(program);
registerRcvCommand(program);
registerCvrCommands(program);
registerRlaCommands(program);
registerAuditCommands(program);
registerGenerateCommand(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  const message = e instanceof Error ? e.message : String(e);
  // Refusals that list every problem (an invalid RCTab configuration, a file's refused lines) print the
  // whole list; anything else its first line.
  const listed = e instanceof RcvConfigError || e instanceof InputError ? message : message.split('\n')[0];
  process.stderr.write(`tallyproof: ${listed}\n`);
  process.exit(e instanceof CliFailure ? e.exitCode : 1);
}
