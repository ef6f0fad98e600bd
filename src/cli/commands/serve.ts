import type { Command } from 'commander';
import { AppError } from '../../core/errors.js';
import { startServer } from '../../server/index.js';
import { openFromFlags, withDatabase } from '../context.js';

/** `mezame serve`: the web app and API on one port, until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('serve the web app and API')
    .option('--port <port>', 'port to listen on', '3000')
    .option('--host <host>', 'address to listen on (0.0.0.0 exposes it to the network)', '127.0.0.1')
    .option('--secure-cookies', 'mark cookies Secure (when served over https, e.g. behind a proxy)')
    .option('--log-level <level>', 'fatal | error | warn | info | debug | silent', 'info');
  withDatabase(command).action(
    async (flags: {
      db?: string;
      databaseUrl?: string;
      port: string;
      host: string;
      secureCookies?: boolean;
      logLevel: string;
    }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AppError('invalid_input', `--port: expected a port number 0–65535, got '${flags.port}'`);
      }
      const storage = await openFromFlags(flags);
      const server = await startServer({
        storage,
        port,
        host: flags.host,
        config: {
          secureCookies: flags.secureCookies === true,
          logLevel: flags.logLevel as 'info',
        },
      });
      // Runs until a signal; startServer's handlers close the server and storage.
      await new Promise<void>((resolve) => server.app.server.once('close', () => resolve()));
    },
  );
}
