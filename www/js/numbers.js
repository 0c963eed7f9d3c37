// Numbers as the officer reads and writes them. One parser for every input and every paste:
// amounts are read by the rules of the UI language (its decimal and grouping separators), and an
// entry that another convention would read as a different number is refused, never guessed.
// Values leave this module as plain decimal strings ("70000", "1954.0"), the engine's format;
// no arithmetic is done on them here.

const SPACES = /[\s\u00a0\u202f\u2009]/gu;

/** The separators and grouping style of a locale, from Intl (digits stay Latin). */
export function numberFormat(lang) {
  const nf = new Intl.NumberFormat(lang, { numberingSystem: 'latn' });
  const parts = nf.formatToParts(1234567.5);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const ints = parts.filter((p) => p.type === 'integer').map((p) => p.value);
  // "12,34,567" (Indian) has a two-digit middle group.
  const indian = ints.length === 3 && ints[1].length === 2;
  // Spanish writes 1234 without a separator (minimum grouping digits 2).
  const minGroup = nf.formatToParts(1234).some((p) => p.type === 'group') ? 1 : 2;
  return { lang, group, decimal, indian, minGroup, spaceGroup: /\s|\u00a0|\u202f/u.test(group) };
}

/** Inserts group separators into a string of digits. */
export function groupDigits(int, f) {
  if (int.length < 4 || (f.minGroup === 2 && int.length < 5)) return int;
  const last = int.slice(-3);
  let rest = int.slice(0, -3);
  const size = f.indian ? 2 : 3;
  const groups = [];
  while (rest.length > size) {
    groups.unshift(rest.slice(-size));
    rest = rest.slice(0, -size);
  }
  if (rest) groups.unshift(rest);
  return [...groups, last].join(f.group);
}

/** Writes a plain decimal string (any number of decimals, kept as given) in the locale's notation. */
export function formatExact(value, f) {
  const s = String(value);
  const negative = s.startsWith('-');
  const [int, frac] = (negative ? s.slice(1) : s).split('.');
  return (negative ? '−' : '') + groupDigits(int, f) + (frac !== undefined ? f.decimal + frac : '');
}

/** A value as the input shows it for editing: the locale's decimal separator, no grouping. */
export function formatForInput(value, f) {
  if (value === '' || value == null) return '';
  const s = String(value);
  return f.decimal === '.' ? s : s.replace('.', f.decimal);
}

function validGroups(groups, f) {
  // Indian grouping (12,34,567) or the international one (1,234,567): the same number either way.
  return f.indian ? validGroupsOf(groups, 2) || validGroupsOf(groups, 3) : validGroupsOf(groups, 3);
}

function validGroupsOf(groups, size) {
  // groups: the digit runs between separators, first to last.
  if (groups.length < 2) return false;
  const [first, ...rest] = groups;
  if (!/^\d+$/.test(first) || first.length === 0) return false;
  const last = rest[rest.length - 1];
  const middle = rest.slice(0, -1);
  if (last.length !== 3) return false;
  if (middle.some((g) => g.length !== size)) return false;
  if (first.length > size) return false;
  return rest.every((g) => /^\d+$/.test(g));
}

const plain = (sign, int, frac) => {
  const i = int === '' ? '0' : int;
  return `${sign}${i}${frac ? `.${frac}` : ''}`;
};

/**
 * Reads what the officer typed. Returns `{ status: 'empty' }`, `{ status: 'ok', value }` (a plain
 * decimal string), or `{ status: 'invalid' | 'ambiguous', readings }` where `readings` lists the
 * plain values the text could mean (for the message).
 * `integer: true` refuses decimals (years, populations).
 */
export function readNumber(text, f, { integer = false } = {}) {
  let t = String(text ?? '').trim();
  if (t === '') return { status: 'empty' };
  let sign = '';
  if (/^[-−+]/u.test(t)) {
    sign = t[0] === '+' ? '' : '-';
    t = t.slice(1).trim();
  }
  if (!/^[\d.,\s\u00a0\u202f\u2009]+$/u.test(t) || !/\d/.test(t)) return { status: 'invalid', readings: [] };
  const D = f.decimal;
  const other = D === '.' ? ',' : '.';
  const G = f.spaceGroup ? ' ' : f.group;
  t = t.replace(SPACES, ' ');
  const seps = [...t.matchAll(/[.,\s]/g)].map((m) => m[0]);
  const kinds = new Set(seps);
  const digits = t.replace(/[.,\s]/g, '');

  // Only the locale's decimal separator, once, and no grouping: a plain decimal…
  if (kinds.size === 1 && seps.length === 1 && seps[0] === D) {
    const [int, frac] = t.split(D);
    // …unless three decimals after one to three digits: "70.000" is 70 here and 70 000 elsewhere.
    if (frac.length === 3 && /^[1-9]\d{0,2}$/.test(int)) {
      return { status: 'ambiguous', readings: [plain(sign, int, frac), `${sign}${int}${frac}`] };
    }
    if (integer && frac !== '') return { status: 'invalid', readings: [] };
    return { status: 'ok', value: plain(sign, int, frac) };
  }
  if (seps.length === 0) return { status: 'ok', value: `${sign}${digits}` };

  // Grouping, optionally followed by the decimal separator and decimals.
  const lastD = t.lastIndexOf(D);
  const hasDecimal = lastD >= 0;
  const intText = hasDecimal ? t.slice(0, lastD) : t;
  const frac = hasDecimal ? t.slice(lastD + 1) : '';
  const groupSeps = new Set([...intText.matchAll(/[.,\s]/g)].map((m) => m[0]));
  const fracOk = /^\d*$/.test(frac);
  const groupOk = groupSeps.size === 1 && (groupSeps.has(G) || groupSeps.has(' '))
    && validGroups(intText.split(/[.,\s]/), f);
  if (fracOk && groupOk && !(integer && hasDecimal && frac !== '')) {
    return { status: 'ok', value: plain(sign, intText.replace(/[.,\s]/g, ''), frac) };
  }

  // Not this locale's notation. Would another convention read it? Then it is ambiguous.
  const readings = [];
  for (const alt of [{ decimal: '.', group: ',' }, { decimal: ',', group: '.' }]) {
    const r = readOther(t, { ...alt, indian: false, minGroup: 1 });
    if (r !== null && !readings.includes(sign + r)) readings.push(sign + r);
  }
  return { status: readings.length ? 'ambiguous' : 'invalid', readings };
}

/** A plain decimal without trailing zeros after the point (for showing the readings of an entry). */
export function trimZeros(value) {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

// The reading of the other convention (decimal `alt.decimal`, group `alt.group` or spaces).
function readOther(t, alt) {
  const D = alt.decimal;
  const parts = t.split(D);
  if (parts.length > 2) return null;
  const [intText, frac = ''] = parts;
  if (!/^\d*$/.test(frac)) return null;
  if (/[.,\s]/.test(intText)) {
    const seps = new Set([...intText.matchAll(/[.,\s]/g)].map((m) => m[0]));
    if (seps.size !== 1 || !(seps.has(alt.group) || seps.has(' '))) return null;
    if (!validGroups(intText.split(/[.,\s]/), alt)) return null;
  }
  const int = intText.replace(/[.,\s]/g, '');
  return plain('', int, frac);
}
