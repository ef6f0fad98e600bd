/**
 * Versioned settings by key (migration 010): every save is a new version with who and when,
 * written with its audit row in one transaction; the highest version is in force. Scoring
 * settings are validated by the core's schema on the way in and on the way out.
 */
import type { Generated, Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import {
  type ConfigViolation,
  DEFAULT_SCORING_CONFIG,
  parseScoringConfig,
  type ScoringConfig,
} from '../core/prioritise/scoringModel.js';
import {
  type ChannelConfig,
  channelCostsAndConsent,
  DEFAULT_CHANNEL_CONFIG,
  parseChannelConfig,
} from '../core/prioritise/channelConfig.js';
import type { Place } from '../core/prioritise/geography.js';
import {
  DEFAULT_PRIORITISE_SETTINGS,
  type PrioritiseSettings,
} from '../core/prioritise/prioritiseCustomer.js';
import type { Database } from './schema.js';
import type { Storage } from './storage.js';

interface SettingsTable {
  id: Generated<number>;
  key: string;
  version: number;
  value: string;
  created_at: string;
  created_by: string;
}
type SettingsDatabase = Database & { settings: SettingsTable };

function sdb(storage: Storage): Kysely<SettingsDatabase> {
  return storage.db as unknown as Kysely<SettingsDatabase>;
}

export interface StoredSetting {
  key: string;
  version: number;
  value: unknown;
  created_at: string;
  created_by: string;
}

/** The newest version of a setting, or null when it was never saved. */
export async function getSetting(storage: Storage, key: string): Promise<StoredSetting | null> {
  const row = await sdb(storage)
    .selectFrom('settings')
    .selectAll()
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  let value: unknown;
  try {
    value = JSON.parse(row.value);
  } catch {
    throw new AppError(
      'invalid_input',
      `stored setting ${key} version ${row.version} is not valid JSON; save it again`,
    );
  }
  return { key, version: Number(row.version), value, created_at: row.created_at, created_by: row.created_by };
}

/** Every version of a setting, newest first (without values). */
export async function listSettingVersions(storage: Storage, key: string) {
  const rows = await sdb(storage)
    .selectFrom('settings')
    .select(['version', 'created_at', 'created_by'])
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, version: Number(r.version) }));
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Stores a new version of a setting with its audit row; returns the version number. */
export async function saveSetting(
  storage: Storage,
  key: string,
  value: unknown,
  actor: string,
  at: string,
): Promise<number> {
  try {
    return await sdb(storage)
      .transaction()
      .execute(async (trx) => {
        const last = await trx
          .selectFrom('settings')
          .select('version')
          .where('key', '=', key)
          .orderBy('version', 'desc')
          .limit(1)
          .executeTakeFirst();
        const version = Number(last?.version ?? 0) + 1;
        await trx
          .insertInto('settings')
          .values({ key, version, value: JSON.stringify(value), created_at: at, created_by: actor })
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            at,
            actor,
            action: 'settings.save',
            entity: 'settings',
            entity_id: `${key}@${version}`,
            details: JSON.stringify({ key, version }),
          })
          .execute();
        return version;
      });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'conflict',
        `another change to ${key} was saved at the same moment; nothing was stored, try again`,
      );
    }
    throw error;
  }
}

/** A setting stored as versions: its key, the words for it in errors, its check and its default. */
interface VersionedSetting<T> {
  key: string;
  label: string;
  parse(value: unknown): { ok: true; config: T } | { ok: false; violations: ConfigViolation[] };
  defaults: T;
}

export interface SettingInForce<T> {
  /** null: never saved, the defaults are in force. */
  version: number | null;
  config: T;
  created_at: string | null;
  created_by: string | null;
}

/** Settings that fail their check: the message lists every wrong path. */
export class InvalidSettingsError extends AppError {
  constructor(
    label: string,
    readonly violations: ConfigViolation[],
  ) {
    super(
      'invalid_input',
      `the ${label} are invalid:\n${violations.map((v) => `  ${v.path || '(root)'}: ${v.message}`).join('\n')}`,
    );
  }
}

/** The newest stored version of a setting, or its defaults (version null). */
async function getVersionedSetting<T>(
  storage: Storage,
  spec: VersionedSetting<T>,
): Promise<SettingInForce<T>> {
  const stored = await getSetting(storage, spec.key);
  if (!stored) return { version: null, config: spec.defaults, created_at: null, created_by: null };
  const parsed = spec.parse(stored.value);
  if (!parsed.ok) {
    throw new AppError(
      'invalid_input',
      `stored ${spec.label} version ${stored.version} are invalid; save a new version: ${parsed.violations
        .map((v) => `${v.path}: ${v.message}`)
        .join('; ')}`,
    );
  }
  return {
    version: stored.version,
    config: parsed.config,
    created_at: stored.created_at,
    created_by: stored.created_by,
  };
}

/** Checks and stores a setting as a new version (with its audit row); nothing is stored when invalid. */
async function saveVersionedSetting<T>(
  storage: Storage,
  spec: VersionedSetting<T>,
  value: unknown,
  actor: string,
  at: string,
): Promise<number> {
  const parsed = spec.parse(value);
  if (!parsed.ok) throw new InvalidSettingsError(spec.label, parsed.violations);
  return saveSetting(storage, spec.key, parsed.config, actor, at);
}

export const SCORING_SETTING_KEY = 'scoring';
const SCORING: VersionedSetting<ScoringConfig> = {
  key: SCORING_SETTING_KEY,
  label: 'scoring settings',
  parse: parseScoringConfig,
  defaults: DEFAULT_SCORING_CONFIG,
};

/** The scoring settings in force: the newest stored version, or the seed's defaults (version null). */
export function getScoringConfig(storage: Storage): Promise<SettingInForce<ScoringConfig>> {
  return getVersionedSetting(storage, SCORING);
}

/** Validates and stores scoring settings as a new version; nothing is stored when invalid. */
export function saveScoringConfig(
  storage: Storage,
  value: unknown,
  actor: string,
  at: string,
): Promise<number> {
  return saveVersionedSetting(storage, SCORING, value, actor, at);
}

/** The prioritisation settings the analysis and `mezame plan` use, and the stored versions they came from. */
export interface ActivePrioritiseSettings {
  settings: PrioritiseSettings;
  /** null: that part is the built-in default (never saved). */
  versions: { scoring: number | null; channels: number | null };
}

/**
 * The saved scoring configuration (weights, bands, rank cut-offs) and channel settings (costs,
 * rep time, consent policy) in force, each falling back to the defaults when never saved.
 */
export async function loadPrioritiseSettings(
  storage: Storage,
  base: Place | null = null,
): Promise<ActivePrioritiseSettings> {
  const [scoring, channels] = await Promise.all([getScoringConfig(storage), getChannelConfig(storage)]);
  return {
    settings: {
      ...DEFAULT_PRIORITISE_SETTINGS,
      scoring: scoring.config,
      channels: { ...DEFAULT_PRIORITISE_SETTINGS.channels, ...channelCostsAndConsent(channels.config) },
      base,
    },
    versions: { scoring: scoring.version, channels: channels.version },
  };
}

export const CHANNELS_SETTING_KEY = 'channels';
const CHANNELS: VersionedSetting<ChannelConfig> = {
  key: CHANNELS_SETTING_KEY,
  label: 'channel settings',
  parse: parseChannelConfig,
  defaults: DEFAULT_CHANNEL_CONFIG,
};

/** The channel costs and consent policy in force: the newest stored version, or the defaults (version null). */
export function getChannelConfig(storage: Storage): Promise<SettingInForce<ChannelConfig>> {
  return getVersionedSetting(storage, CHANNELS);
}

/** Validates and stores channel settings as a new version (with its audit row); nothing is stored when invalid. */
export function saveChannelConfig(
  storage: Storage,
  value: unknown,
  actor: string,
  at: string,
): Promise<number> {
  return saveVersionedSetting(storage, CHANNELS, value, actor, at);
}
