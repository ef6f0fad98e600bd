/**
 * `buildServer({ storage, config })`: the Fastify app with the JSON API under /api, its
 * OpenAPI description, and the built web app with SPA fallback. Testable in process with
 * `app.inject`; `startServer` (start.ts) adds listening, the first admin and signals.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ChannelSender } from '../channels/channelTypes.js';
import type { MessageChannel } from '../core/act/journeyTypes.js';
import type { SenderIdentity } from '../core/act/messageTypes.js';
import { AppError } from '../core/errors.js';
import { DEFAULT_BASE_URL, type RunResult, runJourneys, UNSET_SENDER } from '../journeys/journeyRunner.js';
import { type DashboardSummary, dashboardSummary } from '../storage/customerQueries.js';
import type { Storage } from '../storage/index.js';
import { parseServerConfig, type ServerConfig } from './config.js';
import { installErrorHandler } from './httpErrors.js';
import { ImportJobs } from './importJobs.js';
import { JourneyScheduler } from './journeyScheduler.js';
import { openApiDocument } from './openapi.js';
import { registerAuditRoutes } from './routes/auditRoutes.js';
import { registerAuthRoutes } from './routes/authRoutes.js';
import { registerCustomerRoutes } from './routes/customerRoutes.js';
import { registerDashboardRoutes } from './routes/dashboardRoutes.js';
import { IMPORT_CONTENT_TYPES, registerImportRoutes } from './routes/importRoutes.js';
import { registerIngestRoutes } from './routes/ingestRoutes.js';
import { registerJourneyRoutes } from './routes/journeyRoutes.js';
import { registerOutboxRoutes } from './routes/outboxRoutes.js';
import { registerPlanRoutes } from './routes/planRoutes.js';
import { registerReportRoutes } from './routes/reportRoutes.js';
import { registerSegmentRoutes } from './routes/segmentRoutes.js';
import { registerSettingsRoutes } from './routes/settingsRoutes.js';
import { registerTaskRoutes } from './routes/taskRoutes.js';
import { registerTemplateRoutes } from './routes/templateRoutes.js';
import { registerTokenRoutes } from './routes/tokenRoutes.js';
import { registerTrackingRoutes, TRACKING_FORM_TYPES } from './routes/trackingRoutes.js';
import { registerUserRoutes } from './routes/userRoutes.js';
import { RouteTable, type ServerDeps } from './routeTable.js';
import { SummaryCache } from './summaryCache.js';

export const API_VERSION = '0.1.0';

export interface BuildServerOptions {
  storage: Storage;
  config?: z.input<typeof ServerConfig>;
  /** The clock (tests pin it). */
  clock?: () => Date;
  /**
   * How journey runs send (start.ts reads them from the environment: journeyRunner's channelsFromEnv).
   * Default embedded mode: no transport, every message stays in the outbox as 'held'.
   */
  channels?: JourneyChannels;
  /** Where customers reach this server, when only known once listening; config.publicUrl wins. */
  publicUrl?: () => string;
}

export interface JourneyChannels {
  senders: Partial<Record<MessageChannel, ChannelSender>>;
  sender: SenderIdentity;
  /** Where a message's call to action leads (through the click tracking); default the public URL. */
  ctaUrl?: string;
}

/** What rendering a message needs besides the template and the customer: as the journey run renders it. */
export interface MessageLinks {
  sender: SenderIdentity;
  baseUrl: () => string;
  ctaUrl: () => string;
}

export interface MezameServer {
  app: FastifyInstance;
  /** Every API route as declared (method, url, access), for tests and docs. */
  routes: RouteTable;
  imports: ImportJobs;
  /** `METHOD /api/...` of every API route Fastify registered (and of the public /t/ tracking routes). */
  registeredRoutes: readonly string[];
  /** Starts computing the company dashboard, so the first visitor does not wait for it. */
  warmCaches(): void;
  /** The journey runs: on demand (POST /api/journeys/run) and, once started, every interval. */
  journeys: JourneyScheduler<RunResult>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

export async function buildServer(options: BuildServerOptions): Promise<MezameServer> {
  const config = parseServerConfig(options.config);
  const deps: ServerDeps = { storage: options.storage, config, clock: options.clock ?? (() => new Date()) };
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
    },
    bodyLimit: 16 * 1024 * 1024,
    trustProxy: false,
    // A tracking link's token carries its signed target URL: far longer than the default 100.
    routerOptions: { maxParamLength: 8192 },
  });
  // Every API route as Fastify registered it: the OpenAPI test checks the document against it.
  const registered: string[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') && !route.url.startsWith('/t/')) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') registered.push(`${method} ${route.url}`);
    }
  });
  installErrorHandler(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  // Uploads are streamed to disk by the import route, never buffered.
  app.addContentTypeParser(IMPORT_CONTENT_TYPES, (_request, payload, done) => done(null, payload));
  // One-click unsubscribe forms (RFC 8058) arrive as text; the tracking route alone reads them.
  app.addContentTypeParser(
    TRACKING_FORM_TYPES,
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_r, body, done) => done(null, body),
  );
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    return payload;
  });

  const routes = new RouteTable(app, deps);
  const dashboardCache = new SummaryCache<DashboardSummary>(config.dashboardCacheMs, () =>
    deps.clock().getTime(),
  );
  const imports = new ImportJobs(options.storage, config.uploadDir, config.maxUploadBytes, () =>
    dashboardCache.clear(),
  );
  registerAuthRoutes(routes, deps);
  registerUserRoutes(routes, deps);
  registerTokenRoutes(routes, deps);
  registerCustomerRoutes(routes, deps);
  registerDashboardRoutes(routes, deps, dashboardCache);
  registerReportRoutes(routes, deps);
  registerImportRoutes(routes, deps, imports);
  registerIngestRoutes(routes, deps, () => dashboardCache.clear());
  registerAuditRoutes(routes, deps);
  registerTaskRoutes(routes, deps);
  registerSettingsRoutes(routes, deps);
  registerSegmentRoutes(routes, deps);
  registerPlanRoutes(routes, deps);
  const channels = options.channels ?? { senders: {}, sender: UNSET_SENDER };
  const baseUrl = () => config.publicUrl ?? options.publicUrl?.() ?? DEFAULT_BASE_URL;
  const links: MessageLinks = {
    sender: channels.sender,
    baseUrl,
    ctaUrl: () => channels.ctaUrl ?? baseUrl(),
  };
  const journeys = new JourneyScheduler<RunResult>({
    run: (now) =>
      runJourneys(options.storage, {
        now,
        senders: channels.senders,
        sender: links.sender,
        baseUrl: links.baseUrl(),
      }),
    clock: deps.clock,
    onError: (error) => app.log.error({ err: error }, 'journey run failed'),
  });
  // Closing the app stops the timer and waits for a run going, before anyone closes storage.
  app.addHook('onClose', async () => journeys.stop());
  registerJourneyRoutes(routes, deps, { scheduler: journeys });
  registerTemplateRoutes(routes, deps, links);
  registerOutboxRoutes(routes, deps, links);
  registerTrackingRoutes(routes, deps, links);
  routes.define(
    {
      method: 'GET',
      url: '/api/health',
      summary: 'Liveness and storage engine',
      tag: 'meta',
      access: { kind: 'public' },
    },
    async () => ({ ok: true, engine: options.storage.engine }),
  );
  routes.define(
    {
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'This OpenAPI description',
      tag: 'meta',
      access: { kind: 'public' },
    },
    async () => openApiDocument(routes, API_VERSION),
  );

  await serveWebApp(app, config.webDist);
  const warmCaches = () =>
    dashboardCache.warm(JSON.stringify(null), () => dashboardSummary(options.storage, null));
  return { app, routes, imports, registeredRoutes: registered, warmCaches, journeys };
}

async function serveWebApp(app: FastifyInstance, webDist: string): Promise<void> {
  const hasWebApp = existsSync(join(webDist, 'index.html'));
  if (hasWebApp) {
    await app.register(fastifyStatic, {
      root: webDist,
      index: ['index.html'],
      setHeaders(res, path) {
        // Hashed asset names may be cached for ever; index.html never.
        res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/') || request.url === '/api') {
      throw new AppError('not_found', `No API route ${request.method} ${request.url.split('?')[0]}.`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new AppError('not_found', `Nothing at ${request.method} ${request.url}.`);
    }
    if (!hasWebApp) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built. Run `npm run build:web` and restart.');
    }
    // Single-page app: every other path is a screen; the app routes it.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
