/**
 * Yen for the explanations the models write (`¥1,234,567`), the same text as
 * `toLocaleString('en-US')` gives but without the Intl call per number: the analysis writes
 * several for each of a million customers.
 */
export function yenText(amount: number): string {
  const rounded = Math.round(amount);
  const digits = String(Math.abs(rounded));
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += ',';
    grouped += digits[i];
  }
  return `¥${rounded < 0 ? '-' : ''}${grouped}`;
}
