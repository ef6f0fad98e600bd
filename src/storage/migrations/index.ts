import type { Kysely } from 'kysely';
import * as m001 from './001_foundation.js';
import * as m003 from './003_definitions.js';
import * as m004 from './004_analysis.js';
import * as m005 from './005_accounts.js';
import * as m006 from './006_demo.js';
import * as m007 from './007_name_matching.js';
import * as m008 from './008_order_history_index.js';
import * as m009 from './009_diagnosis.js';
import * as m010 from './010_tasks.js';
import * as m011 from './011_dashboard_indexes.js';
import * as m012 from './012_list_sort_indexes.js';
import * as m013 from './013_customer_search.js';
import * as m014 from './014_newly_dormant.js';
import * as m015 from './015_journeys.js';
import * as m016 from './016_short_search.js';
import type { Engine } from './columns.js';

export type { Engine } from './columns.js';

export interface EngineMigration {
  up(db: Kysely<unknown>, engine: Engine): Promise<void>;
}

/**
 * Every migration, in order. Names must sort after the last one applied: add new files
 * with the next number and list them here.
 */
export const migrations: Record<string, EngineMigration> = {
  '001_foundation': m001,
  '003_definitions': m003,
  '004_analysis': m004,
  '005_accounts': m005,
  '006_demo': m006,
  '007_name_matching': m007,
  '008_order_history_index': m008,
  '009_diagnosis': m009,
  '010_tasks': m010,
  '011_dashboard_indexes': m011,
  '012_list_sort_indexes': m012,
  '013_customer_search': m013,
  '014_newly_dormant': m014,
  '015_journeys': m015,
  '016_short_search': m016,
};
