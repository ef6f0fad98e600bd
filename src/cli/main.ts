import { Command, CommanderError } from 'commander';
import { AppError } from '../core/errors.js';
import { registerCommands } from './commands/index.js';
import { ExitWith, exitCodeFor } from './context.js';

/**
 * Entry point of `mezame`. Returns the exit code instead of exiting so tests can call it
 * in process.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('mezame')
    .description('Mezame (目覚め): find, understand and win back dormant customers (休眠顧客の掘り起こし)')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    // help and version end with commander's code 0; usage errors were already printed
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (!(error instanceof ExitWith)) reportError(error, argv.includes('--debug'));
    return exitCodeFor(error);
  }
}

function reportError(error: unknown, debug: boolean): void {
  if (error instanceof AppError) {
    process.stderr.write(`mezame: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mezame: unexpected error: ${message}\n(run again with --debug for details)\n`);
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
