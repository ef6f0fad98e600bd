/**
 * The real Detect models for runAnalysis: the active dormancy definition (compiled) with its
 * health thresholds, and BG/NBD.
 */
import { expectedPurchases, fitBgnbd, pAlive } from '../core/detect/bgnbd.js';
import { compileDefinition, dormancyLevel } from '../core/detect/dormancyRules.js';
import { DEFAULT_GAP_ALERT_RATIO, DEFAULT_HEALTH_THRESHOLDS } from '../core/detect/healthScore.js';
import { getActiveDefinition } from '../storage/definitionQueries.js';
import type { DetectModels } from './runAnalysis.js';

export const detectModels: DetectModels = {
  async loadSettings(storage) {
    const active = await getActiveDefinition(storage);
    const compiled = compileDefinition(active.definition);
    const thresholds = active.definition.thresholds;
    return {
      version: active.version === null || active.version === undefined ? null : String(active.version),
      settings: {
        dormancyLevel: (features) => dormancyLevel(compiled, features),
        health: thresholds?.health ?? DEFAULT_HEALTH_THRESHOLDS,
        gapAlertRatio: thresholds?.gap_alert_ratio ?? DEFAULT_GAP_ALERT_RATIO,
      },
    };
  },
  fitBgnbd: (rows) => fitBgnbd(rows),
  pAlive: (params, x, tx, T) => pAlive(params, x, tx, T),
  expectedPurchases: (params, t, x, tx, T) => expectedPurchases(params, t, x, tx, T),
};
