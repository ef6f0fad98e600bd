import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { splitCalibrationHoldout } from './calibrationHoldout.js';

const options = { calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', unitDays: 7 };
const buy = (customerId: string, day: string) => ({ customerId, day });

describe('splitCalibrationHoldout', () => {
  it('counts distinct purchase days, not orders', () => {
    const [row] = splitCalibrationHoldout(
      [buy('c', '1997-01-01'), buy('c', '1997-01-01'), buy('c', '1997-01-15'), buy('c', '1997-01-15')],
      options,
    );
    expect(row).toMatchObject({ frequency: 1, recency: 2, holdoutPurchases: 0 });
    expect(row?.T).toBeCloseTo(272 / 7, 12);
  });

  it('gives a one-purchase customer x = 0, t_x = 0', () => {
    expect(splitCalibrationHoldout([buy('c', '1997-09-30')], options)).toEqual([
      { customerId: 'c', frequency: 0, recency: 0, T: 0, holdoutPurchases: 0 },
    ]);
  });

  it('counts holdout days up to and including the holdout end, and nothing after it', () => {
    const [row] = splitCalibrationHoldout(
      [buy('c', '1997-03-01'), buy('c', '1997-10-01'), buy('c', '1998-06-30'), buy('c', '1998-07-01')],
      options,
    );
    expect(row).toMatchObject({ frequency: 0, holdoutPurchases: 2 });
  });

  it('leaves out customers whose first purchase falls after the calibration period', () => {
    expect(splitCalibrationHoldout([buy('late', '1997-10-05')], options)).toEqual([]);
    expect(splitCalibrationHoldout([], options)).toEqual([]);
  });

  it('rounds t_x and T when asked, as the CDNOW summary file does', () => {
    const [row] = splitCalibrationHoldout([buy('c', '1997-01-01'), buy('c', '1997-08-02')], {
      ...options,
      decimals: 2,
    });
    expect(row).toMatchObject({ recency: 30.43, T: 38.86 });
  });

  it('refuses a holdout that ends before the calibration does', () => {
    expect(() => splitCalibrationHoldout([], { ...options, holdoutEnd: '1997-01-01' })).toThrow(AppError);
  });
});
