/**
 * Settings: the dormancy definition (levels in words, the data-driven suggestion, saving a
 * new version), the scoring model (weights, bands, rank cut-offs) and the channels (cost, rep
 * time and reactivation rate per channel, consent policy for companies and persons); the analysis
 * and `mezame plan` use the saved scoring and channel settings in force. Reading is open to every
 * signed-in user; changing is for admins and marketers. Every change is a new stored version
 * with an audit row; an invalid value stores nothing and the error names each field.
 */
import { z } from 'zod';
import { suggestDefinition } from '../../core/detect/definitionSuggestion.js';
import {
  checkDefinition,
  compileDefinition,
  type DormancyDefinition,
  describeDefinition,
} from '../../core/detect/dormancyDefinition.js';
import { isIsoDay } from '../../core/detect/isoDays.js';
import { DEFAULT_CHANNEL_CONFIG, parseChannelConfig } from '../../core/prioritise/channelConfig.js';
import { DEFAULT_SCORING_CONFIG, parseScoringConfig } from '../../core/prioritise/scoringModel.js';
import {
  getActiveDefinition,
  listDefinitionVersions,
  loadInterPurchaseIntervals,
  loadPurchaseSilences,
  saveDefinition,
} from '../../storage/definitionQueries.js';
import {
  CHANNELS_SETTING_KEY,
  getChannelConfig,
  getScoringConfig,
  listSettingVersions,
  SCORING_SETTING_KEY,
  saveChannelConfig,
  saveScoringConfig,
} from '../../storage/settingsQueries.js';
import { ANY_ROLE, actorOf, WRITERS } from '../auth.js';
import { RequestValidationError } from '../httpErrors.js';
import type { RouteTable, ServerDeps } from '../routeTable.js';
import { japanDay } from './taskRoutes.js';

const SettingsObject = z.record(z.string(), z.unknown());
export const SuggestionQuery = z.object({
  as_of: z.string().refine(isIsoDay, 'expected a day like 2026-11-30').optional(),
});

function levelsInBothLanguages(definition: DormancyDefinition) {
  const compiled = compileDefinition(definition);
  return { ja: describeDefinition(compiled, 'ja'), en: describeDefinition(compiled, 'en') };
}

function invalid(issues: { field: string; message: string }[]): RequestValidationError {
  const first = issues[0] ?? { field: 'body', message: 'invalid' };
  return new RequestValidationError(first.field, `${first.field}: ${first.message}`, issues);
}

export function registerSettingsRoutes(table: RouteTable, { storage }: ServerDeps): void {
  table.define(
    {
      method: 'GET',
      url: '/api/settings/definition',
      summary: 'The dormancy definition in force, each level in words (ja/en), and the stored versions',
      tag: 'settings',
      access: { kind: 'user', roles: ANY_ROLE },
    },
    async () => {
      const stored = await getActiveDefinition(storage);
      return {
        ...stored,
        levels: levelsInBothLanguages(stored.definition),
        versions: await listDefinitionVersions(storage),
      };
    },
  );

  table.define(
    {
      method: 'PUT',
      url: '/api/settings/definition',
      summary: 'Save a dormancy definition as the new active version (validated; every rule checked)',
      tag: 'settings',
      access: { kind: 'user', roles: WRITERS },
      body: SettingsObject,
    },
    async ({ body, principal, now }) => {
      const check = checkDefinition(body);
      if (!check.ok) {
        throw invalid(
          check.violations.map((v) => ({
            field: `body.${v.path}`,
            message: v.column !== undefined ? `${v.message} (column ${v.column})` : v.message,
          })),
        );
      }
      const version = await saveDefinition(storage, check.definition, actorOf(principal), now.toISOString());
      const stored = await getActiveDefinition(storage);
      return { ...stored, version, levels: levelsInBothLanguages(stored.definition) };
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/settings/definition/suggestion',
      summary: 'A dormancy definition read from the purchase rhythm in the data, with its reasoning',
      tag: 'settings',
      access: { kind: 'user', roles: WRITERS },
      query: SuggestionQuery,
    },
    async ({ query, now }) => {
      const asOf = query.as_of ?? japanDay(now);
      const base = (await getActiveDefinition(storage)).definition;
      const [intervals, silences] = await Promise.all([
        loadInterPurchaseIntervals(storage, asOf),
        loadPurchaseSilences(storage, asOf),
      ]);
      const suggestion = suggestDefinition({ intervals, silences, base });
      return { as_of: asOf, ...suggestion, levels: levelsInBothLanguages(suggestion.definition) };
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/settings/scoring',
      summary: 'The scoring model in force (weights, bands, rank cut-offs), the defaults and the versions',
      tag: 'settings',
      access: { kind: 'user', roles: ANY_ROLE },
    },
    async () => ({
      ...(await getScoringConfig(storage)),
      defaults: DEFAULT_SCORING_CONFIG,
      versions: await listSettingVersions(storage, SCORING_SETTING_KEY),
    }),
  );

  table.define(
    {
      method: 'PUT',
      url: '/api/settings/scoring',
      summary: 'Save the scoring model as a new version (validated; errors name the field)',
      tag: 'settings',
      access: { kind: 'user', roles: WRITERS },
      body: SettingsObject,
    },
    async ({ body, principal, now }) => {
      const parsed = parseScoringConfig(body);
      if (!parsed.ok) {
        throw invalid(
          parsed.violations.map((v) => ({ field: v.path ? `body.${v.path}` : 'body', message: v.message })),
        );
      }
      await saveScoringConfig(storage, parsed.config, actorOf(principal), now.toISOString());
      return getScoringConfig(storage);
    },
  );

  table.define(
    {
      method: 'GET',
      url: '/api/settings/channels',
      summary:
        'The channel settings in force (cost, rep-minutes, reactivation rate and consent rule per channel), the defaults and the versions',
      tag: 'settings',
      access: { kind: 'user', roles: ANY_ROLE },
    },
    async () => ({
      ...(await getChannelConfig(storage)),
      defaults: DEFAULT_CHANNEL_CONFIG,
      versions: await listSettingVersions(storage, CHANNELS_SETTING_KEY),
    }),
  );

  table.define(
    {
      method: 'PUT',
      url: '/api/settings/channels',
      summary:
        'Save channel costs and the consent policy as a new version (validated; errors name the field; used by the next analysis and plan)',
      tag: 'settings',
      access: { kind: 'user', roles: WRITERS },
      body: SettingsObject,
    },
    async ({ body, principal, now }) => {
      const parsed = parseChannelConfig(body);
      if (!parsed.ok) {
        throw invalid(
          parsed.violations.map((v) => ({ field: v.path ? `body.${v.path}` : 'body', message: v.message })),
        );
      }
      await saveChannelConfig(storage, parsed.config, actorOf(principal), now.toISOString());
      return getChannelConfig(storage);
    },
  );
}
