// The page's languages: translated strings, labels of the engine's codes, country names, and
// numbers in the officer's notation. Every string the page shows goes through `t`.

import { formatExact, numberFormat, readNumber, trimZeros } from './numbers.js';

export const LANGS = ['en', 'fr', 'de', 'it', 'es', 'pt', 'zh', 'ja', 'hi'];
export const LANG_NAMES = { en: 'English', fr: 'Français', de: 'Deutsch', it: 'Italiano', es: 'Español',
  pt: 'Português', zh: '中文（简体）', ja: '日本語', hi: 'हिन्दी' };
const HTML_LANG = { zh: 'zh-Hans' };

let messages = {};
let fallback = {};
let lang = 'en';
let nf = numberFormat('en');
let regions = null;
let round = (v) => v;

/** The engine's display rounding (half away from zero), set once the engine is loaded. */
export function setRounding(fn) { round = fn; }

export async function loadLanguage(code) {
  const get = async (l) => (await fetch(`i18n/${l}.json`)).json();
  if (Object.keys(fallback).length === 0) fallback = await get('en');
  lang = LANGS.includes(code) ? code : 'en';
  messages = lang === 'en' ? fallback : await get(lang);
  nf = numberFormat(lang === 'zh' ? 'zh-CN' : lang === 'hi' ? 'hi-IN' : lang);
  try { regions = new Intl.DisplayNames([HTML_LANG[lang] ?? lang], { type: 'region' }); } catch { regions = null; }
  document.documentElement.lang = HTML_LANG[lang] ?? lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  return lang;
}

export const currentLang = () => lang;
export const numberStyle = () => nf;
export const has = (key) => Object.hasOwn(messages, key);

/** A translated string with `{name}` placeholders filled in (as text). */
export function t(key, vars = {}) {
  let s = messages[key] ?? fallback[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A translation, or null when the language and English both lack the key. */
export function tOrNull(key, vars = {}) {
  return Object.hasOwn(messages, key) || Object.hasOwn(fallback, key) ? t(key, vars) : null;
}

export const sectorLabel = (code) => (code ? t(`sector.${code}`) : '');
export const carrierLabel = (code) => (code ? t(`carrier.${code}`) : t('emissions_direct'));

/** A country's name in the UI language (Intl), or the engine's English name. */
export function countryName(code, englishName = code) {
  try { return regions?.of(code) ?? englishName; } catch { return englishName; }
}

/** Rounds an engine decimal string with the engine's rule and writes it in the locale's notation. */
export function fmt(value, dp = 2) {
  if (value === null || value === undefined || value === '') return '–';
  let rounded;
  try { rounded = round(String(value), dp); } catch { return String(value); }
  const [int, frac = ''] = rounded.replace(/^-/, '').split('.');
  const padded = dp > 0 ? `.${frac.padEnd(dp, '0')}` : '';
  return formatExact((rounded.startsWith('-') ? '-' : '') + int + padded, nf);
}

/** A plain decimal in full, in the locale's notation (the value as read). */
export const fmtExact = (value) => formatExact(value, nf);

/** Reads an entry by the UI language's rules (see numbers.js). */
export const read = (text, options) => readNumber(text, nf, options);

/** The message for an entry that was not read. */
export function readProblem(text, result) {
  if (result.status === 'ambiguous' && result.readings.length > 1) {
    const [a, b] = result.readings.map((r) => formatExact(trimZeros(r), nf));
    return t('number_ambiguous', { text, a, b });
  }
  if (result.status === 'ambiguous') {
    return t('number_foreign', { text, a: formatExact(trimZeros(result.readings[0]), nf), example: formatExact('1234.5', nf) });
  }
  return t('number_invalid', { text, example: formatExact('1234.5', nf) });
}
