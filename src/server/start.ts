/**
 * `startServer`: listen, create the first admin on an empty database (printing a one-time
 * sign-in link to stderr), run the journeys every MEZAME_JOURNEY_INTERVAL_S seconds through the
 * transports the environment configures (journeyRunner's channelsFromEnv), and close cleanly on
 * SIGINT/SIGTERM. Used by `mezame serve` and `mezame demo`.
 */
import type { z } from 'zod';
import { channelsFromEnv } from '../journeys/channelSetup.js';
import { countUsers, insertUser } from '../storage/accountQueries.js';
import type { Storage } from '../storage/index.js';
import { type BuildServerOptions, buildServer, type MezameServer } from './app.js';
import { createLoginLink } from './auth.js';
import { parseServerConfig, type ServerConfig, serverConfigFromEnv } from './config.js';

export const FIRST_ADMIN_LOGIN = 'admin';

/** On an empty users table: creates the admin and returns a one-time sign-in link path. */
export async function ensureFirstAdmin(storage: Storage, now: Date): Promise<string | null> {
  if ((await countUsers(storage)) > 0) return null;
  let admin: Awaited<ReturnType<typeof insertUser>>;
  try {
    admin = await insertUser(storage, {
      email: FIRST_ADMIN_LOGIN,
      displayName: 'Admin',
      role: 'admin',
      ownerKey: null,
      passwordHash: null,
      createdAt: now.toISOString(),
    });
  } catch (error) {
    // Another server process created it at the same moment.
    if ((await countUsers(storage)) > 0) return null;
    throw error;
  }
  const link = await createLoginLink(storage, admin.id, now);
  return link.path;
}

export interface StartServerOptions {
  storage: Storage;
  config?: z.input<typeof ServerConfig>;
  port?: number;
  host?: string;
  clock?: BuildServerOptions['clock'];
  /** Close storage too when the server stops (default true). */
  closeStorage?: boolean;
  /** Install SIGINT/SIGTERM handlers (default true; tests turn it off). */
  handleSignals?: boolean;
  /** Where the first-start link goes (default stderr). */
  announce?: (line: string) => void;
  /** Read once at start for the journey interval and transports (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer extends MezameServer {
  url: string;
  firstLoginUrl: string | null;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const clock = options.clock ?? (() => new Date());
  const env = options.env ?? process.env;
  // A wrong variable stops the start here, named, before anything listens.
  const config = parseServerConfig({ ...serverConfigFromEnv(env), ...options.config });
  const channels = channelsFromEnv(env);
  let url = '';
  const server = await buildServer({
    storage: options.storage,
    config,
    clock,
    channels: {
      senders: channels.senders,
      sender: channels.sender,
      ...(env.MEZAME_CTA_URL ? { ctaUrl: channels.ctaUrl } : {}),
    },
    // Tracking links point at MEZAME_BASE_URL when set, else at the address served.
    publicUrl: () => (env.MEZAME_BASE_URL ? channels.baseUrl : url),
  }).catch(async (error: unknown) => {
    await channels.close();
    throw error;
  });
  const host = options.host ?? '127.0.0.1';
  await server.app.listen({ port: options.port ?? 3000, host });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const announce = options.announce ?? ((line: string) => process.stderr.write(`${line}\n`));
  const linkPath = await ensureFirstAdmin(options.storage, clock());
  const firstLoginUrl = linkPath ? `${url}${linkPath}` : null;
  announce(`Mezame is serving ${options.storage.description} at ${url}`);
  server.warmCaches();
  server.journeys.start(config.journeyIntervalS);
  server.app.log.info(
    { intervalS: config.journeyIntervalS, channels: channels.description },
    config.journeyIntervalS > 0 ? 'journeys run every interval' : 'journey runs are off',
  );
  if (firstLoginUrl) {
    announce(
      `First start: sign in as "${FIRST_ADMIN_LOGIN}" with this one-time link (valid once, 24 hours):`,
    );
    announce(`  ${firstLoginUrl}`);
  }

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Closing the app stops the journey timer and waits for a run going (app.ts onClose).
      await server.app.close();
      await channels.close();
      await Promise.allSettled(server.imports.list().map((j) => j.done));
      if (options.closeStorage !== false) await options.storage.close();
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (options.handleSignals !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { ...server, url, firstLoginUrl, close };
}
