/**
 * The HTTP server's settings: one frozen, validated object handed to `buildServer`.
 * Embedded mode works with nothing set.
 */
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const ServerConfig = z.object({
  /** Sends cookies with `Secure` (set when served over https, directly or behind a proxy). */
  secureCookies: z.boolean().default(false),
  /** The built web app (`npm run build:web`). */
  webDist: z.string().default(join(REPO_ROOT, 'web', 'dist')),
  /** Uploaded import files and their reject reports. */
  uploadDir: z.string().default(join(tmpdir(), 'mezame-uploads')),
  maxUploadBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  sessionTtlHours: z
    .number()
    .positive()
    .default(7 * 24),
  /** Login attempts per client address per window. */
  loginRateLimit: z
    .object({ max: z.number().int().positive(), windowMs: z.number().int().positive() })
    .default({ max: 10, windowMs: 60_000 }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long dashboard counts are served before one recomputation behind them (0: no cache); imports and ingestion clear them. */
  dashboardCacheMs: z.number().int().min(0).default(300_000),
  /** Largest ingestion batch (rows per request). */
  maxIngestBatch: z.number().int().positive().default(5000),
});
export type ServerConfig = z.infer<typeof ServerConfig>;

export function parseServerConfig(input: z.input<typeof ServerConfig> = {}): Readonly<ServerConfig> {
  return Object.freeze(ServerConfig.parse(input));
}
