// Formatting of chain values for people: Stones (12 decimals, in the chain's token symbol),
// Perbill percentages, times, names.

export const DECIMALS = 12n;
export const UNIT = 10n ** DECIMALS;

const group = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

// The token's symbol: the chain's own (its spec's `tokenSymbol`, e.g. CUBE on gofun) once
// connected.
let symbol = 'STONE';
export function setSymbol (text) {
  if (text) symbol = String(text);
}
export const tokenSymbol = () => symbol;

// 1234500000000000n -> "1,234.5": every digit kept, trailing zeros dropped.
export function amountOnly (planck) {
  const value = BigInt(planck);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const whole = group((abs / UNIT).toString());
  const fraction = (abs % UNIT).toString().padStart(Number(DECIMALS), '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

// 1234500000000000n -> "1,234.5 STONE".
export const stone = (planck) => `${amountOnly(planck)} ${symbol}`;

// "12.5" -> 12500000000000n; throws in words on anything else.
export function parseStone (text) {
  const match = /^\s*(\d+)(?:\.(\d{0,12}))?\s*$/.exec(String(text).replace(/,/g, ''));
  if (!match) throw new Error(`"${text}" is not an amount of Stones (e.g. 12.5)`);
  return BigInt(match[1]) * UNIT + BigInt((match[2] ?? '').padEnd(12, '0') || '0');
}

// A Perbill (parts per billion) as a percentage.
export const percent = (perbill) => `${(Number(perbill) / 1e7).toFixed(4).replace(/\.?0+$/, '')} %`;

export const count = (n) => group(String(n));

export function when (ms) {
  const value = Number(ms);
  if (!value) return 'not scheduled';
  return new Date(value).toLocaleString();
}

export function inDuration (ms) {
  const seconds = Math.max(0, Math.round(Number(ms) / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${count(Math.round(hours / 24))} days`;
}

export const short = (text, keep = 8) => {
  const s = String(text);
  return s.length > 2 * keep + 1 ? `${s.slice(0, keep)}…${s.slice(-keep)}` : s;
};

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

// UpperCamel enum names to words: "VehicleTooNew" -> "vehicle too new".
export const words = (name) => String(name).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
