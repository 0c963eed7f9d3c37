//! Unit-safe, exact quantities: energy, emission factors, emissions, population.
//!
//! # The bridge between `uom` and `rust_decimal`
//!
//! `uom` cannot store a `Decimal` (its storage types are fixed by cargo features), so the
//! accounting uses small `Decimal` newtypes shaped like uom's quantities: one type per
//! dimension, a private value in one base unit, and units only at the boundary.
//!
//! * [`Energy`] is stored in **megajoules**. Every energy unit of the batch format is an exact
//!   decimal multiple of 1 MJ (kWh 3.6, MWh 3 600, GWh 3 600 000, GJ 1 000, TJ 1 000 000,
//!   toe 41 868), and so is every fuel quantity converted with a decimal NCV and density.
//!   Reading an input is therefore a multiplication, never a division, and sums of energy are
//!   exact.
//! * [`EmissionFactor`] is stored in t/MWh, the unit of the CoM template.
//! * [`Emissions`] is stored in **1/3 600 t** (the product of MJ and t/MWh), so that
//!   `energy × factor` and every sum of emissions are exact; a value is divided by 3 600 once,
//!   when it is read in tonnes.
//! * `Energy + Emissions` does not compile; `Energy * EmissionFactor` gives `Emissions`.
//!
//! The unit definitions come from `uom`: [`EnergyUnit::megajoules`] is checked against uom's
//! conversion coefficients in the tests, and [`Energy::to_si`] / [`Energy::from_si`] (likewise
//! for the other quantities) convert to and from `uom::si::f64` quantities for callers who
//! work in uom. Floats appear only in those bridge functions, never in the accounting.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use std::cmp::Ordering;
use std::fmt;
use std::ops::Mul;
use std::str::FromStr;

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorKind};

/// Units that uom lacks: the tonne of oil equivalent and the tonne per megawatt hour.
#[allow(clippy::disallowed_types, reason = "uom's unit constants are f64; the tests compare them")]
pub mod units {
    /// Extra energy units.
    pub mod energy {
        unit! {
            system: uom::si;
            quantity: uom::si::energy;
            /// Tonne of oil equivalent (IEA convention: 41.868 GJ).
            @tonne_of_oil_equivalent: 4.186_8_E10; "toe", "tonne of oil equivalent",
                "tonnes of oil equivalent";
        }
    }
    /// Extra emission-intensity units.
    pub mod mass_per_energy {
        unit! {
            system: uom::si;
            quantity: uom::si::mass_per_energy;
            /// Tonne per megawatt hour, the unit of CoM emission factors.
            @tonne_per_megawatt_hour: 1.0_E3 / 3.6_E9; "t/MWh", "tonne per megawatt hour",
                "tonnes per megawatt hour";
        }
    }
}

const MJ_PER_MWH: Decimal = Decimal::from_parts(3600, 0, 0, false, 0);

/// The largest amount accepted in one input cell (10^15 of its unit). Larger amounts are
/// rejected as implausible before any arithmetic, so that sums of millions of rows cannot
/// overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// An energy unit accepted for activity data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EnergyUnit {
    /// Kilowatt hour.
    #[serde(rename = "kWh")]
    KilowattHour,
    /// Megawatt hour (the unit of the CoM template).
    #[serde(rename = "MWh")]
    MegawattHour,
    /// Gigawatt hour.
    #[serde(rename = "GWh")]
    GigawattHour,
    /// Gigajoule.
    #[serde(rename = "GJ")]
    Gigajoule,
    /// Terajoule.
    #[serde(rename = "TJ")]
    Terajoule,
    /// Tonne of oil equivalent (41.868 GJ).
    #[serde(rename = "toe")]
    TonneOfOilEquivalent,
}

impl EnergyUnit {
    /// Every energy unit.
    pub const ALL: &'static [EnergyUnit] = &[
        EnergyUnit::KilowattHour,
        EnergyUnit::MegawattHour,
        EnergyUnit::GigawattHour,
        EnergyUnit::Gigajoule,
        EnergyUnit::Terajoule,
        EnergyUnit::TonneOfOilEquivalent,
    ];

    /// Megajoules in one of this unit (exact).
    pub const fn megajoules(self) -> Decimal {
        match self {
            EnergyUnit::KilowattHour => Decimal::from_parts(36, 0, 0, false, 1),
            EnergyUnit::MegawattHour => MJ_PER_MWH,
            EnergyUnit::GigawattHour => Decimal::from_parts(3_600_000, 0, 0, false, 0),
            EnergyUnit::Gigajoule => Decimal::from_parts(1000, 0, 0, false, 0),
            EnergyUnit::Terajoule => Decimal::from_parts(1_000_000, 0, 0, false, 0),
            EnergyUnit::TonneOfOilEquivalent => Decimal::from_parts(41868, 0, 0, false, 0),
        }
    }

    /// The symbol used in CSV files.
    pub const fn symbol(self) -> &'static str {
        match self {
            EnergyUnit::KilowattHour => "kWh",
            EnergyUnit::MegawattHour => "MWh",
            EnergyUnit::GigawattHour => "GWh",
            EnergyUnit::Gigajoule => "GJ",
            EnergyUnit::Terajoule => "TJ",
            EnergyUnit::TonneOfOilEquivalent => "toe",
        }
    }
}

/// A unit of an activity row: energy, a fuel quantity, or emissions entered directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActivityUnit {
    /// An energy unit.
    Energy(EnergyUnit),
    /// Kilogram of fuel.
    Kilogram,
    /// Tonne of fuel.
    Tonne,
    /// Litre of fuel.
    Litre,
    /// Cubic metre of fuel.
    CubicMetre,
    /// Tonne of CO2 (non-energy sectors).
    TonneCo2,
    /// Tonne of CO2-equivalent (non-energy sectors).
    TonneCo2e,
}

impl ActivityUnit {
    /// Every unit, in the order of the batch format.
    pub const ALL: &'static [ActivityUnit] = &[
        ActivityUnit::Energy(EnergyUnit::MegawattHour),
        ActivityUnit::Energy(EnergyUnit::KilowattHour),
        ActivityUnit::Energy(EnergyUnit::GigawattHour),
        ActivityUnit::Energy(EnergyUnit::Gigajoule),
        ActivityUnit::Energy(EnergyUnit::Terajoule),
        ActivityUnit::Energy(EnergyUnit::TonneOfOilEquivalent),
        ActivityUnit::Litre,
        ActivityUnit::CubicMetre,
        ActivityUnit::Kilogram,
        ActivityUnit::Tonne,
        ActivityUnit::TonneCo2,
        ActivityUnit::TonneCo2e,
    ];

    /// The symbol used in CSV files.
    pub const fn symbol(self) -> &'static str {
        match self {
            ActivityUnit::Energy(u) => u.symbol(),
            ActivityUnit::Kilogram => "kg",
            ActivityUnit::Tonne => "t",
            ActivityUnit::Litre => "L",
            ActivityUnit::CubicMetre => "m3",
            ActivityUnit::TonneCo2 => "tCO2",
            ActivityUnit::TonneCo2e => "tCO2e",
        }
    }

    /// Parses a unit symbol exactly (units are case-sensitive: `mWh` is not `MWh`).
    pub fn parse(s: &str) -> Result<Self, crate::codes::UnknownCode> {
        let t = crate::codes::trim_ascii_fast(s);
        // The common units first, without searching (a test checks every symbol).
        let common = match t {
            "MWh" => Some(ActivityUnit::Energy(EnergyUnit::MegawattHour)),
            "kWh" => Some(ActivityUnit::Energy(EnergyUnit::KilowattHour)),
            "GJ" => Some(ActivityUnit::Energy(EnergyUnit::Gigajoule)),
            _ => None,
        };
        if let Some(u) = common {
            return Ok(u);
        }
        Self::ALL.iter().copied().find(|u| u.symbol() == t).ok_or_else(|| {
            crate::codes::UnknownCode {
                what: "unit",
                given: t.to_string(),
                suggestion: Self::ALL
                    .iter()
                    .map(|u| u.symbol())
                    .find(|u| u.eq_ignore_ascii_case(t))
                    .or_else(|| crate::codes::nearest(t, Self::ALL.iter().map(|u| u.symbol()))),
                valid: Self::ALL.iter().map(|u| u.symbol()).collect(),
            }
        })
    }
}

impl fmt::Display for ActivityUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl From<EnergyUnit> for ActivityUnit {
    fn from(u: EnergyUnit) -> ActivityUnit {
        ActivityUnit::Energy(u)
    }
}

impl FromStr for ActivityUnit {
    type Err = crate::codes::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for ActivityUnit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

impl<'de> Deserialize<'de> for ActivityUnit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ActivityUnit::parse(&s).map_err(serde::de::Error::custom)
    }
}

pub use crate::codes::DecimalSyntax;

/// Parses a plain decimal: an optional sign, digits, and an optional `.` with digits.
///
/// Stricter than `Decimal::from_str`, which also takes `_` separators and rounds long inputs.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "digit counts bounded by the 28 digits checked before each step"
)]
pub fn parse_decimal(s: &str) -> Result<Decimal, DecimalSyntax> {
    let t = crate::codes::trim_ascii_fast(s);
    if t.is_empty() {
        return Err(DecimalSyntax::Empty);
    }
    let b = t.as_bytes();
    let (negative, body) = match b[0] {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if let Some(d) = parse_short(negative, body) {
        return Ok(d);
    }
    // One pass: the mantissa, the scale, and the count of significant digits. The first 19
    // digits accumulate in a u64 (fast); longer numbers continue in a u128.
    let mut small: u64 = 0;
    let mut mantissa: u128 = 0;
    let (mut digits, mut significant, mut scale) = (0u32, 0u32, 0u32);
    let mut seen_dot = false;
    for &c in body {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if significant > 0 || c != b'0' {
                    significant += 1;
                }
                if significant > 29 {
                    // Keep scanning: a later character may make it "not a decimal" instead.
                    continue;
                }
                if significant <= 19 {
                    small = small * 10 + u64::from(c - b'0');
                } else {
                    if significant == 20 {
                        mantissa = u128::from(small);
                    }
                    mantissa = mantissa * 10 + u128::from(c - b'0');
                }
                if seen_dot {
                    scale += 1;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return Err(DecimalSyntax::NotADecimal),
        }
    }
    if significant <= 19 {
        mantissa = u128::from(small);
    }
    if digits == 0 {
        return Err(DecimalSyntax::NotADecimal);
    }
    // 29 digits fit when the mantissa is below 2^96; `try_from_i128_with_scale` checks that.
    if significant > 29 || scale > 28 {
        return Err(DecimalSyntax::TooLong);
    }
    let signed = if negative { -(mantissa as i128) } else { mantissa as i128 };
    Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| DecimalSyntax::TooLong)
}

/// [`parse_decimal`] of the common case, at most 19 characters of digits and one point (so at
/// most 19 digits, which fit in 64 bits): `None` for anything else, which the general path
/// reads (or refuses).
#[allow(
    clippy::arithmetic_side_effects,
    reason = "at most 19 digits, below 2^64; positions within the text"
)]
fn parse_short(negative: bool, body: &[u8]) -> Option<Decimal> {
    if body.is_empty() || body.len() > 19 {
        return None;
    }
    let mut m: u64 = 0;
    let mut point = None;
    for (i, &c) in body.iter().enumerate() {
        let d = c.wrapping_sub(b'0');
        if d < 10 {
            m = m * 10 + u64::from(d);
        } else if c == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let scale = match point {
        // "." alone has no digit.
        Some(_) if body.len() == 1 => return None,
        Some(i) => (body.len() - i - 1) as u32,
        None => 0,
    };
    // `-0` is zero, without a sign (as the general path gives it).
    Some(Decimal::from_parts(m as u32, (m >> 32) as u32, 0, negative && m != 0, scale))
}

/// Writes a decimal in full, without exponent and without trailing zeros (`1514.3500` → `1514.35`).
pub fn format_decimal(d: Decimal) -> String {
    let mut s = String::with_capacity(32);
    write_decimal(&mut s, d);
    s
}

/// Appends a decimal to `out` as [`format_decimal`] writes it, without allocating.
pub fn write_decimal(out: &mut String, d: Decimal) {
    let mut buf = [0u8; DECIMAL_TEXT];
    let text = render_decimal(d, &mut buf);
    // Only ASCII digits, `-` and `.` are ever rendered.
    out.push_str(std::str::from_utf8(text).unwrap_or(""));
}

/// Appends a decimal to `out` as [`format_decimal`] writes it, as bytes (for the CSV writers).
pub fn write_decimal_bytes(out: &mut Vec<u8>, d: Decimal) {
    let mut buf = [0u8; DECIMAL_TEXT];
    out.extend_from_slice(render_decimal(d, &mut buf));
}

/// The longest text of a decimal: a sign, 29 digits, a point and the zeros of `0.000…`.
const DECIMAL_TEXT: usize = 64;

/// The eight decimal digits of `n` (below 10^8) as the bytes of the result in memory order
/// (little-endian), most significant first, each a number from 0 to 9: all at once, each step
/// splitting every lane of the one before in two (four digits, two, one), where the previous
/// renderer took a division and two table reads for every two digits.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "lanes below 10^4, 10^2 and 10 times constants below 2^14: no carry between lanes"
)]
fn eight_digits(n: u64) -> u64 {
    // Two lanes of four digits, the first four in the low half.
    let high = n / 10_000;
    let fours = high | ((n - high * 10_000) << 32);
    // Four lanes of two: x / 100 = (x · 10 486) >> 20 for x < 10^4.
    let hundreds = ((fours * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let twos = ((fours - hundreds * 100) << 16) | hundreds;
    // Eight lanes of one: x / 10 = (x · 103) >> 10 for x < 100.
    let tens = ((twos * 103) >> 10) & 0x000f_000f_000f_000f;
    ((twos - tens * 10) << 8) | tens
}

/// The ASCII zeros added to the digits of [`eight_digits`].
const ZEROS: u64 = 0x3030_3030_3030_3030;

/// Writes the digits of `n` before `end` in `buf`, eight at a time, the leading zeros left out
/// (a zero is one digit), and gives where they start.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "at most 20 digits, written before an end at least 24 bytes in"
)]
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn digits_before(buf: &mut [u8], mut end: usize, mut n: u64) -> usize {
    const E8: u64 = 100_000_000;
    while n >= E8 {
        end = eight_before(buf, end, n % E8);
        n /= E8;
    }
    let digits = eight_digits(n);
    let start = eight_before(buf, end, n);
    start + (digits.trailing_zeros() / 8).min(7) as usize
}

/// Writes the eight digits of `n` (below 10^8, leading zeros included) before `end` and gives
/// where they start.
#[allow(clippy::arithmetic_side_effects, reason = "callers leave eight bytes before `end`")]
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn eight_before(buf: &mut [u8], end: usize, n: u64) -> usize {
    buf[end - 8..end].copy_from_slice(&(eight_digits(n) | ZEROS).to_le_bytes());
    end - 8
}

/// Appends the digits of `v` to `out` (for the CSV writers: years, populations, lines).
pub(crate) fn write_integer_bytes(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 24];
    let end = buf.len();
    let start = digits_before(&mut buf, end, v);
    out.extend_from_slice(&buf[start..]);
}

/// Renders a decimal into `buf` (written from its end) and returns the text.
///
/// While the mantissa needs more than 64 bits, nine digits at a time come off it by divisions of
/// its 32-bit limbs by 10⁹; the rest is a `u64`, eight digits at a time ([`eight_digits`]).
/// Trailing zeros of the fraction are dropped from the text, which is what
/// [`Decimal::normalize`] would do to the value.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "digits of a 96-bit mantissa by divisions; positions within a 64-byte buffer"
)]
fn render_decimal(d: Decimal, buf: &mut [u8; DECIMAL_TEXT]) -> &[u8] {
    const E9: u64 = 1_000_000_000;
    let scale = d.scale() as usize;
    let mut m = d.mantissa().unsigned_abs();
    let mut end = buf.len();
    while m > u128::from(u64::MAX) {
        // m < 2^96: its limbs divided by 10^9, most significant first.
        let (hi, mid, lo) =
            ((m >> 64) as u64, (m >> 32) as u64 & 0xffff_ffff, m as u64 & 0xffff_ffff);
        let (q_hi, r) = (hi / E9, hi % E9);
        let cur = (r << 32) | mid;
        let (q_mid, r) = (cur / E9, cur % E9);
        let cur = (r << 32) | lo;
        let (q_lo, r) = (cur / E9, cur % E9);
        m = (u128::from(q_hi) << 64) | (u128::from(q_mid) << 32) | u128::from(q_lo);
        end -= 1;
        buf[end] = b'0' + (r % 10) as u8;
        end = eight_before(buf, end, r / 10);
    }
    end = digits_before(buf, end, m as u64);
    let mut len = buf.len() - end;
    // Leading zeros of a fraction smaller than one (`0.000123`).
    while len <= scale {
        end -= 1;
        buf[end] = b'0';
        len += 1;
    }
    let digits_end = buf.len();
    let int_len = len - scale;
    // Trailing zeros of the fraction are not written: counted eight bytes at a time (the last
    // eight of the fraction, read as a number whose high bytes are its last; those that are
    // `0` are zero once the ASCII zeros are taken off). A window may reach before the
    // fraction (into the integer digits or the buffer's unused start, at least 28 bytes in):
    // those bytes may count as zeros too, but no more than the fraction's length is dropped.
    let mut frac_len = scale;
    let frac_start = digits_end - scale;
    while frac_len > 0 {
        let at = frac_start + frac_len - 8;
        let mut last = [0u8; 8];
        last.copy_from_slice(&buf[at..at + 8]);
        let zeros = ((u64::from_le_bytes(last) ^ ZEROS).leading_zeros() / 8) as usize;
        frac_len -= zeros.min(frac_len);
        if zeros < 8 {
            break;
        }
    }
    let zero = int_len == 1 && buf[end] == b'0' && frac_len == 0;
    // The integer part moves one place left to make room for the point.
    let mut start = end;
    if frac_len > 0 {
        start -= 1;
        buf.copy_within(end..end + int_len, start);
        buf[start + int_len] = b'.';
    }
    if d.is_sign_negative() && !zero {
        start -= 1;
        buf[start] = b'-';
    }
    &buf[start..digits_end - scale + frac_len]
}

/// Non-terminating quotients are rounded to this many decimal places (half to even).
///
/// Every division of the engine goes through [`quotient`]: a quotient that terminates within a
/// decimal's precision is exact (`1000 / 8 = 125`, `11550455.7579 MJ = 3208.45993275 MWh`);
/// one that does not (`1 / 3`, `1000 GJ = 277.7… MWh`) is rounded here, once, instead of
/// carrying the 28th-digit noise of a rounded division into later arithmetic and the outputs.
/// 10^-15 is far below any reported precision (a microgram of CO2, a millionth of a
/// millionth of a percent).
pub const QUOTIENT_PLACES: u32 = 15;

/// Whether `a / b` is a terminating decimal: the denominator of the reduced fraction has no
/// prime factor but 2 and 5. With `a = m_a / 10^s_a` and `b = m_b / 10^s_b`, that holds when
/// the part of `m_b` coprime to 10 divides `m_a`.
fn terminates(a: Decimal, b: Decimal) -> bool {
    let mut r = b.mantissa().unsigned_abs();
    if r == 0 {
        return false;
    }
    r >>= r.trailing_zeros();
    while r.is_multiple_of(5) {
        r /= 5;
    }
    r == 1 || a.mantissa().unsigned_abs().is_multiple_of(r)
}

/// `a / b`: exact where the quotient terminates within a decimal's precision, otherwise
/// rounded to [`QUOTIENT_PLACES`] decimal places (half to even); normalized (no trailing
/// zeros). `None` when `b` is zero or the quotient is too large for a decimal.
pub fn quotient(a: Decimal, b: Decimal) -> Option<Decimal> {
    if let Some(q) = rounded_quotient(a, b) {
        return Some(q);
    }
    quotient_by_division(a, b)
}

/// [`quotient`] with `rust_decimal`'s division, as specified.
fn quotient_by_division(a: Decimal, b: Decimal) -> Option<Decimal> {
    let q = a.checked_div(b)?;
    if terminates(a, b) {
        if q.checked_mul(b) == Some(a) {
            return Some(q.normalize());
        }
        // The division of `rust_decimal` may leave the last digit off (`3208.4599327499…98`
        // for 3208.45993275): the exact quotient is the shortest rounding that multiplies back.
        for dp in 0..q.scale() {
            let r = q.round_dp(dp);
            if r.checked_mul(b) == Some(a) {
                return Some(r.normalize());
            }
        }
    }
    Some(q.round_dp(QUOTIENT_PLACES).normalize())
}

/// The powers of ten a `u128` holds.
const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut k = 1;
    while k < 39 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// The number of decimal digits of `n` (none for zero): estimated from its bit length times
/// log10(2) (1 233 / 4 096, at most one below the count), then one comparison, instead of
/// comparing it with every power of ten.
#[allow(clippy::arithmetic_side_effects, reason = "bit lengths up to 128 times 1 233")]
fn decimal_digits(n: u128) -> u32 {
    if n == 0 {
        return 0;
    }
    let t = ((128 - n.leading_zeros()) * 1233) >> 12;
    t + u32::from(n >= POW10[t as usize])
}

/// [`quotient`] of a quotient that does not terminate, with 128-bit integers: the exact
/// quotient rounded to [`QUOTIENT_PLACES`] places (half to even; a tie is impossible), where
/// that is provably what [`quotient_by_division`] gives; `None` elsewhere (a terminating
/// quotient, numbers too large for this arithmetic, a zero result).
///
/// `quotient_by_division` rounds to 15 places the 28-digit quotient of `rust_decimal`, which
/// has at least `27 − k` places for a quotient of `k` integer digits and is within one unit of
/// its last place. Rounding it and rounding the exact quotient agree unless the exact digits
/// after the 15th place are within that unit of one half: such quotients are left to
/// `quotient_by_division`, as are those with fewer than 17 places to spare. The tests compare
/// both over many magnitudes and scales.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "128-bit products checked, quotients and remainders of a nonzero divisor below 2^126"
)]
fn rounded_quotient(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (ma, mb) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    if ma == 0 || mb == 0 {
        return None;
    }
    // |a / b| · 10^15 = ma · 10^(15 + sb − sa) / mb.
    let e = QUOTIENT_PLACES as i64 + i64::from(b.scale()) - i64::from(a.scale());
    let (n, d) = if e >= 0 {
        (ma.checked_mul(*POW10.get(e as usize)?)?, mb)
    } else {
        (ma, mb.checked_mul(*POW10.get(e.unsigned_abs() as usize)?)?)
    };
    if d >> 126 != 0 {
        return None;
    }
    let (q, r) = (n / d, n % d);
    if r == 0 || terminates(a, b) {
        return None;
    }
    // Integer digits of the quotient, and the places of rust_decimal's 28-digit quotient.
    let int_digits = decimal_digits(q).saturating_sub(15);
    let spare = 27u32.checked_sub(int_digits)?.checked_sub(QUOTIENT_PLACES)?;
    if spare < 2 {
        return None;
    }
    // Away from one half by more than 10^-spare (in units of the 15th place): |2r − d| · 10^spare > 2d.
    let off = (2 * r).abs_diff(d);
    if off.checked_mul(POW10[spare as usize]).is_some_and(|x| x <= 2 * d) {
        return None;
    }
    let q = if 2 * r > d { q + 1 } else { q };
    if q == 0 || q >> 96 != 0 {
        return None;
    }
    Some(normalized(q, QUOTIENT_PLACES, a.is_sign_negative() != b.is_sign_negative()))
}

/// A percentage `part / whole × 100`, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Percent {
    /// The percentage (a [`quotient`]).
    Of(Decimal),
    /// The whole is zero: no percentage.
    ZeroBase,
    /// The percentage is too large for a decimal (the whole is tiny against the part).
    TooLarge,
}

impl Percent {
    /// `part / whole × 100`.
    pub fn of(part: Decimal, whole: Decimal) -> Percent {
        if whole.is_zero() {
            return Percent::ZeroBase;
        }
        // The product first (exact); when it overflows, the quotient first.
        let value = match part.checked_mul(Decimal::ONE_HUNDRED) {
            Some(p) => quotient(p, whole),
            None => quotient(part, whole).and_then(|q| q.checked_mul(Decimal::ONE_HUNDRED)),
        };
        value.map_or(Percent::TooLarge, |v| Percent::Of(v.normalize()))
    }

    /// The percentage, if there is one.
    pub fn value(self) -> Option<Decimal> {
        match self {
            Percent::Of(v) => Some(v),
            Percent::ZeroBase | Percent::TooLarge => None,
        }
    }

    /// Whether [`Percent::of`] would be [`Percent::TooLarge`], without dividing where the
    /// magnitudes of `part` and `whole` show that it is not (`|part × 100 / whole| < 10^27`,
    /// far below a decimal's largest value): a zero part or whole, or digits and scales that
    /// keep the quotient small. Otherwise the percentage is computed.
    pub fn too_large(part: Decimal, whole: Decimal) -> bool {
        match (exponent(part), exponent(whole)) {
            (None, _) | (_, None) => false,
            (Some(p), Some(w)) if Percent::surely_fits(p, w) => false,
            _ => Percent::of(part, whole) == Percent::TooLarge,
        }
    }

    /// Whether the percentage of a part below `10^part` in a whole of at least
    /// `10^(whole − 1)` (see [`exponent`]) surely fits: `|part / whole × 100| < 10^27`.
    pub(crate) fn surely_fits(part: i64, whole: i64) -> bool {
        part.saturating_sub(whole).saturating_add(3) <= 27
    }
}

/// `e` with `10^(e − 1) ≤ |d| < 10^e`; `None` for zero.
pub(crate) fn exponent(d: Decimal) -> Option<i64> {
    let digits = d.mantissa().unsigned_abs().checked_ilog10()?.saturating_add(1);
    Some(i64::from(digits).saturating_sub(i64::from(d.scale())))
}

/// [`quotient`]`(a, 3600)`, the division of every energy read in MWh and every emission read in
/// t, computed with 64-bit integer arithmetic where that gives the same decimal, else by
/// [`quotient`].
///
/// Where it applies (`a = n / 10^s` with `s ≤ 11` and `|a / 3600| < 10^10`) the two agree:
/// * 3 600 = 2⁴ · 5² · 9, so `a / 3600` terminates exactly when 9 divides `n`; it is then
///   `(n / 9) · 25 / 10^(s+4)`, at most 15 places, which [`quotient`] finds (its 28-digit
///   division is within one unit of the 17th place or better here, and the shortest rounding
///   that multiplies back is the exact quotient).
/// * Otherwise `n = 9k + r` (0 < r < 9) and the expansion of `a / 3600` ends, from the
///   `(s+5)`th place on, in one digit `r'` = 7r mod 9 repeated (1 ≤ r' ≤ 8). The 28-digit
///   quotient has at least 18 places here, and its last-place error cannot carry into the 16th
///   place (no run of nines), so rounding it to 15 places (half to even: a tie is impossible)
///   rounds up exactly when the exact remainder is above one half, as computed here.
///
/// The property tests compare both over the whole range.
fn quotient_by_3600(a: Decimal) -> Decimal {
    let (mantissa, scale) = match quotient_by_3600_integer(a) {
        Some(q) => q,
        None => return quotient_by_unit(a, MJ_PER_MWH),
    };
    normalized(mantissa, scale, a.is_sign_negative())
}

/// [`quotient_by_3600`] for a text: the same value, with the trailing zeros that normalizing
/// would drop left on where the integer arithmetic applies ([`render_decimal`] does not write
/// them), so the text is the same.
#[allow(clippy::arithmetic_side_effects, reason = "the limbs of a mantissa below 10^26")]
pub(crate) fn quotient_by_3600_for_text(a: Decimal) -> Decimal {
    match quotient_by_3600_integer(a) {
        Some((m, scale)) if m != 0 => Decimal::from_parts(
            m as u32,
            (m >> 32) as u32,
            (m >> 64) as u32,
            a.is_sign_negative(),
            scale,
        ),
        _ => quotient_by_3600(a),
    }
}

/// The mantissa and scale of [`quotient_by_3600`] before normalizing, where 64-bit integer
/// arithmetic gives it (see there); `None` elsewhere.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "bounded by the range checked first: n < 2^64, scale ≤ 11, results below 10^26"
)]
fn quotient_by_3600_integer(a: Decimal) -> Option<(u128, u32)> {
    /// 3 600 · 10^10 · 10^s, the bound of `n` for each scale `s` (beyond 64 bits from s = 6).
    const LIMIT: [u64; 12] = {
        let mut t = [u64::MAX; 12];
        let mut s = 0;
        let mut v = 36_000_000_000_000u64;
        while s < 6 {
            t[s] = v;
            v = v.saturating_mul(10);
            s += 1;
        }
        t
    };
    let s = a.scale();
    let [_, lo, mid, hi] = parts(a);
    let n = (u64::from(mid) << 32) | u64::from(lo);
    if s > 11 || hi != 0 || n >= LIMIT[s as usize] {
        return None;
    }
    Some(if n.is_multiple_of(9) {
        (u128::from(n / 9) * 25, s + 4)
    } else {
        // n · 10^(15−s) / 3600 = (n / 3600) · 10^k + (n mod 3600) · 10^k / 3600, k = 15 − s;
        // (n mod 3600) · 10^k < 3.6 · 10^18 fits in 64 bits.
        let k = 10u64.pow(15 - s);
        let low = (n % 3600) * k;
        let (q, r) = (u128::from(n / 3600) * u128::from(k) + u128::from(low / 3600), low % 3600);
        (if 2 * r > 3600 { q + 1 } else { q }, 15)
    })
}

/// `a + b`, as [`Decimal::checked_add`] computes it: a zero and a number give the number as it
/// is; with 128-bit integers when both are non-negative and the sum, at the larger of their
/// scales, fits in 96 bits (the exact sum at that scale, which is what `checked_add` gives
/// then); otherwise by `checked_add`. Always inlined natively: millions of calls a batch, most
/// of them on the fast path (104 million instructions fewer on the heavy 10,000-inventory
/// batch); WebAssembly, built for size, leaves it to the compiler.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "96-bit mantissas times at most 10^9 and their sum fit in 128 bits; scales ≤ 28"
)]
#[cfg_attr(not(target_family = "wasm"), inline(always))]
pub(crate) fn checked_sum(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_sum(a, b).or_else(|| checked_add_slow(a, b))
}

/// [`checked_sum`] where it is exact by construction: a zero and a number, or two non-negative
/// numbers whose sum at the larger of their scales (nine apart at most) fits in 96 bits; `None`
/// otherwise (where `checked_add` may round the sum to fewer places, or refuse it).
#[allow(
    clippy::arithmetic_side_effects,
    reason = "96-bit mantissas times at most 10^9 and their sum fit in 128 bits; scales ≤ 28"
)]
#[cfg_attr(not(target_family = "wasm"), inline(always))]
pub(crate) fn exact_sum(a: Decimal, b: Decimal) -> Option<Decimal> {
    // A zero and a number: the number as it is (its scale and sign), as `checked_add` gives
    // it; every running total starts at zero.
    if a.is_zero() {
        return Some(b);
    }
    if b.is_zero() {
        return Some(a);
    }
    let (x, y, scale) = at_larger_scale(a, b)?;
    let sum = x + y;
    (sum >> 96 == 0).then(|| {
        Decimal::from_parts(sum as u32, (sum >> 32) as u32, (sum >> 64) as u32, false, scale)
    })
}

/// The mantissas of two non-negative decimals at the larger of their scales, and that scale,
/// where the scales are at most nine apart (a 96-bit mantissa times at most 10^9 fits in 128
/// bits); `None` otherwise.
#[allow(clippy::arithmetic_side_effects, reason = "scales ≤ 28; 96-bit mantissas times ≤ 10^9")]
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn at_larger_scale(a: Decimal, b: Decimal) -> Option<(u128, u128, u32)> {
    if a.is_sign_negative() || b.is_sign_negative() {
        return None;
    }
    let (sa, sb) = (a.scale(), b.scale());
    let (x, y) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let power = |d: u32| POW10.get(d as usize).filter(|_| d <= 9);
    match sa.cmp(&sb) {
        std::cmp::Ordering::Equal => Some((x, y, sa)),
        std::cmp::Ordering::Less => power(sb - sa).map(|&p| (x * p, y, sb)),
        std::cmp::Ordering::Greater => power(sa - sb).map(|&p| (x, y * p, sa)),
    }
}

/// `a` compared with `b`, as [`Decimal::cmp`] compares them (by value): with 128-bit integers
/// when both are non-negative and their scales at most nine apart (each mantissa at the larger
/// scale, which fits), otherwise by `cmp`. The plausibility checks compare every cell.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "a 96-bit mantissa times at most 10^9 fits in 128 bits"
)]
#[inline]
pub(crate) fn cmp_decimal(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    match at_larger_scale(a, b) {
        Some((x, y, _)) => x.cmp(&y),
        None => a.cmp(&b),
    }
}

/// [`Decimal::checked_add`], out of line: the rare case of [`checked_sum`].
#[cold]
#[inline(never)]
fn checked_add_slow(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_add(b)
}

/// The flags and the low, middle and high 32 bits of a decimal's mantissa.
#[allow(clippy::arithmetic_side_effects, reason = "byte positions within 16 bytes")]
fn parts(d: Decimal) -> [u32; 4] {
    let b = d.serialize();
    std::array::from_fn(|k| {
        u32::from_le_bytes([b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]])
    })
}

/// The decimal `±mantissa / 10^scale` without trailing zeros (as [`Decimal::normalize`]);
/// `mantissa` is below 2^96.
#[allow(clippy::arithmetic_side_effects, reason = "divisions by 10 while the scale is positive")]
fn normalized(mantissa: u128, mut scale: u32, negative: bool) -> Decimal {
    if mantissa == 0 {
        return Decimal::ZERO;
    }
    let mut m = mantissa;
    // Trailing zeros with 64-bit divisions where the mantissa fits.
    while scale > 0 && m > u128::from(u64::MAX) && m.is_multiple_of(10) {
        m /= 10;
        scale -= 1;
    }
    if let Ok(mut small) = u64::try_from(m) {
        while scale > 0 && small.is_multiple_of(10) {
            small /= 10;
            scale -= 1;
        }
        m = u128::from(small);
    }
    Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, negative, scale)
}

/// [`quotient`] by a divisor of at least 1 in magnitude, which cannot overflow.
fn quotient_by_unit(a: Decimal, b: Decimal) -> Decimal {
    debug_assert!(b.abs() >= Decimal::ONE);
    // A divisor of magnitude ≥ 1 is not zero and cannot make the quotient larger than `a`.
    quotient(a, b).unwrap_or(Decimal::ZERO)
}

/// Rounds for display only, half away from zero (the rounding convention of the CoM template's
/// spreadsheets). Never used on values that are summed afterwards.
pub fn round_for_display(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

macro_rules! decimal_string_serde {
    ($t:ty, $get:expr) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let f: fn(&$t) -> Decimal = $get;
                s.serialize_str(&format_decimal(f(self)))
            }
        }
    };
}

/// An amount of final energy, stored exactly in megajoules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Energy {
    mj: Decimal,
}

impl Energy {
    /// No energy.
    pub const ZERO: Energy = Energy { mj: Decimal::ZERO };

    /// An energy of `value` in `unit`.
    pub fn new(value: Decimal, unit: EnergyUnit) -> Result<Energy, Error> {
        value
            .checked_mul(unit.megajoules())
            .map(|mj| Energy { mj })
            .ok_or_else(|| Error::overflow(format!("{value} {}", unit.symbol())))
    }

    /// An energy in megawatt hours.
    pub fn from_mwh(value: Decimal) -> Result<Energy, Error> {
        Energy::new(value, EnergyUnit::MegawattHour)
    }

    /// An energy in megajoules (the base unit).
    pub const fn from_megajoules(mj: Decimal) -> Energy {
        Energy { mj }
    }

    /// The value in megajoules (exact).
    pub const fn megajoules(self) -> Decimal {
        self.mj
    }

    /// The value in `unit`. Exact where the quotient terminates within 28 digits (always for
    /// kWh, MWh, GWh, GJ and TJ inputs read back in the same unit).
    pub fn get(self, unit: EnergyUnit) -> Decimal {
        match unit {
            EnergyUnit::MegawattHour => quotient_by_3600(self.mj),
            _ => quotient_by_unit(self.mj, unit.megajoules()),
        }
    }

    /// The value in MWh.
    pub fn mwh(self) -> Decimal {
        self.get(EnergyUnit::MegawattHour)
    }

    /// [`Energy::mwh`] for a text (the same value and text; trailing zeros may be left on).
    pub(crate) fn mwh_for_text(self) -> Decimal {
        quotient_by_3600_for_text(self.mj)
    }

    /// The sum where it is exact by construction ([`exact_sum`]), else `None`.
    #[inline]
    pub(crate) fn exact_add(self, other: Energy) -> Option<Energy> {
        exact_sum(self.mj, other.mj).map(|mj| Energy { mj })
    }

    /// The sum, or an overflow error (inlined natively: several times a cell).
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    pub fn checked_add(self, other: Energy) -> Result<Energy, Error> {
        checked_sum(self.mj, other.mj)
            .map(|mj| Energy { mj })
            .ok_or_else(|| Error::overflow("energy sum"))
    }

    /// Scales by a pure number (exact).
    pub fn checked_scale(self, k: Decimal) -> Result<Energy, Error> {
        self.mj.checked_mul(k).map(|mj| Energy { mj }).ok_or_else(|| Error::overflow("energy"))
    }

    /// This energy as a uom quantity (lossy: f64).
    #[allow(clippy::disallowed_types, reason = "the uom bridge, outside the accounting")]
    pub fn to_si(self) -> uom::si::f64::Energy {
        uom::si::f64::Energy::new::<uom::si::energy::megajoule>(
            self.mj.to_f64().unwrap_or(f64::NAN),
        )
    }

    /// A uom energy as an exact-decimal energy (the float's decimal expansion, to 28 digits).
    pub fn from_si(e: uom::si::f64::Energy) -> Result<Energy, Error> {
        let mj = e.get::<uom::si::energy::megajoule>();
        Decimal::from_f64(mj)
            .map(|mj| Energy { mj })
            .ok_or_else(|| Error::overflow(format!("{mj} MJ")))
    }
}

decimal_string_serde!(Energy, |e| e.mwh());

impl fmt::Display for Energy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} MWh", format_decimal(self.mwh()))
    }
}

/// An emission factor in t per MWh of final energy (t CO2 or t CO2-eq, as the inventory says).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmissionFactor {
    t_per_mwh: Decimal,
}

impl EmissionFactor {
    /// A factor in t/MWh; negative factors are refused.
    pub fn t_per_mwh(value: Decimal) -> Result<EmissionFactor, Error> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(Error::from(ErrorKind::NegativeFactor { value }));
        }
        Ok(EmissionFactor { t_per_mwh: value })
    }

    /// The factor `emissions / energy` (one division); `None` for zero energy or a negative
    /// ratio.
    pub fn ratio(emissions: Emissions, energy: Energy) -> Option<EmissionFactor> {
        // (1/3 600 t) / MJ = t/MWh.
        let v = quotient(emissions.raw, energy.mj)?;
        EmissionFactor::t_per_mwh(v).ok()
    }

    /// The value in t/MWh.
    pub const fn value(self) -> Decimal {
        self.t_per_mwh
    }

    /// This factor as a uom emission intensity (lossy: f64).
    #[allow(clippy::disallowed_types, reason = "the uom bridge, outside the accounting")]
    pub fn to_si(self) -> uom::si::f64::MassPerEnergy {
        uom::si::f64::MassPerEnergy::new::<units::mass_per_energy::tonne_per_megawatt_hour>(
            self.t_per_mwh.to_f64().unwrap_or(f64::NAN),
        )
    }
}

decimal_string_serde!(EmissionFactor, |f| f.t_per_mwh);

impl fmt::Display for EmissionFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} t/MWh", format_decimal(self.t_per_mwh))
    }
}

/// Emissions in t CO2 or t CO2-eq, stored exactly in units of 1/3 600 t.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Emissions {
    raw: Decimal,
}

impl Emissions {
    /// No emissions.
    pub const ZERO: Emissions = Emissions { raw: Decimal::ZERO };

    /// Whether the sign is negative (a negative zero included).
    pub(crate) fn is_sign_negative(self) -> bool {
        self.raw.is_sign_negative()
    }

    /// Emissions given in tonnes (non-energy sectors).
    pub fn from_tonnes(t: Decimal) -> Result<Emissions, Error> {
        t.checked_mul(MJ_PER_MWH)
            .map(|raw| Emissions { raw })
            .ok_or_else(|| Error::overflow(format!("{t} t")))
    }

    /// The value in tonnes: one division, at the edge.
    pub fn tonnes(self) -> Decimal {
        quotient_by_3600(self.raw)
    }

    /// [`Emissions::tonnes`] for a text (the same value and text; trailing zeros may be left
    /// on).
    pub(crate) fn tonnes_for_text(self) -> Decimal {
        quotient_by_3600_for_text(self.raw)
    }

    /// The value in tonnes divided by `divisor` (a population, a number of years): one
    /// division. `None` when `divisor` is zero or the quotient is too large for a decimal.
    pub fn tonnes_over(self, divisor: Decimal) -> Option<Decimal> {
        quotient(self.raw, MJ_PER_MWH.checked_mul(divisor)?)
    }

    /// The sum where it is exact by construction ([`exact_sum`]), else `None`.
    #[inline]
    pub(crate) fn exact_add(self, other: Emissions) -> Option<Emissions> {
        exact_sum(self.raw, other.raw).map(|raw| Emissions { raw })
    }

    /// The value in the engine's unit (1/3 600 t), digits and scale (for tests).
    #[cfg(test)]
    pub(crate) fn raw(self) -> Decimal {
        self.raw
    }

    /// The sum, or an overflow error (inlined natively: several times a cell).
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    pub fn checked_add(self, other: Emissions) -> Result<Emissions, Error> {
        checked_sum(self.raw, other.raw)
            .map(|raw| Emissions { raw })
            .ok_or_else(|| Error::overflow("emissions sum"))
    }

    /// The exact difference `self − other` (may be negative), or an overflow error.
    pub fn checked_sub(self, other: Emissions) -> Result<Emissions, Error> {
        self.raw
            .checked_sub(other.raw)
            .map(|raw| Emissions { raw })
            .ok_or_else(|| Error::overflow("emissions difference"))
    }

    /// The difference `self − other` (may be negative), in tonnes.
    pub fn minus_tonnes(self, other: Emissions) -> Option<Decimal> {
        self.raw.checked_sub(other.raw).map(quotient_by_3600)
    }

    /// Scales by a pure number (exact where the product fits).
    pub fn checked_scale(self, k: Decimal) -> Result<Emissions, Error> {
        self.raw
            .checked_mul(k)
            .map(|raw| Emissions { raw })
            .ok_or_else(|| Error::overflow("emissions"))
    }

    /// Emissions per inhabitant, in t per inhabitant (one division).
    pub fn per_capita(self, population: Population) -> Decimal {
        // 3 600 × a u64 population is far below Decimal's range: one division.
        let per = MJ_PER_MWH.checked_mul(Decimal::from(population.get())).unwrap_or(Decimal::MAX);
        quotient_by_unit(self.raw, per)
    }

    /// `(self − base) / base × 100`, the change in percent; `None` when the base is zero or
    /// the percentage is too large for a decimal ([`Emissions::change_percent`] tells which).
    pub fn change_pct(self, base: Emissions) -> Option<Decimal> {
        self.change_percent(base).value()
    }

    /// The decimal exponent of the stored value ([`exponent`]); `None` for zero.
    pub(crate) fn exponent(self) -> Option<i64> {
        exponent(self.raw)
    }

    /// Whether [`Emissions::change_percent`] is [`Percent::TooLarge`] (see
    /// [`Percent::too_large`]: no division where the magnitudes suffice).
    pub fn change_percent_too_large(self, base: Emissions) -> bool {
        match self.raw.checked_sub(base.raw) {
            Some(diff) => Percent::too_large(diff, base.raw),
            None => true,
        }
    }

    /// `(self − base) / base × 100`, the change in percent.
    pub fn change_percent(self, base: Emissions) -> Percent {
        match self.raw.checked_sub(base.raw) {
            Some(diff) => Percent::of(diff, base.raw),
            None => Percent::TooLarge,
        }
    }

    /// The exact internal comparison (for tests and invariants).
    pub fn cmp_exact(&self, other: &Emissions) -> Ordering {
        self.raw.cmp(&other.raw)
    }

    /// These emissions as a uom mass (lossy: f64).
    #[allow(clippy::disallowed_types, reason = "the uom bridge, outside the accounting")]
    pub fn to_si(self) -> uom::si::f64::Mass {
        uom::si::f64::Mass::new::<uom::si::mass::ton>(self.tonnes().to_f64().unwrap_or(f64::NAN))
    }
}

decimal_string_serde!(Emissions, |e| e.tonnes());

impl fmt::Display for Emissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} t", format_decimal(self.tonnes()))
    }
}

impl Energy {
    /// Energy × factor = emissions, exactly (MJ × t/MWh = 1/3 600 t), or an overflow error.
    #[inline]
    pub fn emissions_at(self, f: EmissionFactor) -> Result<Emissions, Error> {
        self.mj
            .checked_mul(f.t_per_mwh)
            .map(|raw| Emissions { raw })
            .ok_or_else(|| Error::overflow(format!("{self} × {f}")))
    }
}

impl Mul<EmissionFactor> for Energy {
    type Output = Result<Emissions, Error>;
    /// [`Energy::emissions_at`]: checked, the result is a `Result`.
    fn mul(self, f: EmissionFactor) -> Self::Output {
        self.emissions_at(f)
    }
}

impl Mul<Energy> for EmissionFactor {
    type Output = Result<Emissions, Error>;
    fn mul(self, e: Energy) -> Self::Output {
        e.emissions_at(self)
    }
}

/// Inhabitants, a positive whole number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Population(std::num::NonZeroU64);

impl Population {
    /// A population; zero is refused.
    pub fn new(n: u64) -> Option<Population> {
        std::num::NonZeroU64::new(n).map(Population)
    }

    /// The number of inhabitants.
    pub const fn get(self) -> u64 {
        self.0.get()
    }
}

impl TryFrom<u64> for Population {
    type Error = &'static str;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        Population::new(n).ok_or("population must be at least 1")
    }
}

impl From<Population> for u64 {
    fn from(p: Population) -> u64 {
        p.get()
    }
}

impl FromStr for EnergyUnit {
    type Err = crate::codes::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match ActivityUnit::parse(s)? {
            ActivityUnit::Energy(u) => Ok(u),
            other => Err(crate::codes::UnknownCode {
                what: "energy unit",
                given: other.symbol().to_string(),
                suggestion: None,
                valid: EnergyUnit::ALL.iter().map(|u| u.symbol()).collect(),
            }),
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types, reason = "the tests compare the units with uom's")]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use uom::si::energy::{
        gigajoule, gigawatt_hour, kilowatt_hour, megajoule, megawatt_hour, terajoule,
    };
    use uom::si::f64::Energy as SiEnergy;

    fn si_megajoules(u: EnergyUnit) -> f64 {
        let one = match u {
            EnergyUnit::KilowattHour => SiEnergy::new::<kilowatt_hour>(1.0),
            EnergyUnit::MegawattHour => SiEnergy::new::<megawatt_hour>(1.0),
            EnergyUnit::GigawattHour => SiEnergy::new::<gigawatt_hour>(1.0),
            EnergyUnit::Gigajoule => SiEnergy::new::<gigajoule>(1.0),
            EnergyUnit::Terajoule => SiEnergy::new::<terajoule>(1.0),
            EnergyUnit::TonneOfOilEquivalent => {
                SiEnergy::new::<units::energy::tonne_of_oil_equivalent>(1.0)
            }
        };
        one.get::<megajoule>()
    }

    #[test]
    fn unit_constants_agree_with_uom() {
        for &u in EnergyUnit::ALL {
            let ours = u.megajoules().to_f64().unwrap();
            let theirs = si_megajoules(u);
            assert!(((ours - theirs) / theirs).abs() < 1e-12, "{u:?}: {ours} vs {theirs}");
        }
    }

    #[test]
    fn exact_conversions() {
        let e = Energy::new(dec!(1234.5), EnergyUnit::KilowattHour).unwrap();
        assert_eq!(e.get(EnergyUnit::MegawattHour), dec!(1.2345));
        assert_eq!(Energy::new(dec!(2), EnergyUnit::GigawattHour).unwrap().mwh(), dec!(2000));
        assert_eq!(
            Energy::new(dec!(1), EnergyUnit::TonneOfOilEquivalent).unwrap().mwh(),
            dec!(11.63)
        );
        assert_eq!(
            Energy::new(dec!(1), EnergyUnit::TonneOfOilEquivalent)
                .unwrap()
                .get(EnergyUnit::Gigajoule),
            dec!(41.868)
        );
        assert_eq!(Energy::new(dec!(36), EnergyUnit::Gigajoule).unwrap().mwh(), dec!(10));
    }

    #[test]
    fn factor_times_energy_is_emissions() {
        let e = Energy::from_mwh(dec!(1954.0)).unwrap();
        let f = EmissionFactor::t_per_mwh(dec!(0.775)).unwrap();
        let em = (e * f).unwrap();
        assert_eq!(em.tonnes(), dec!(1514.35));
        assert_eq!(serde_json::to_string(&em).unwrap(), "\"1514.35\"");
        assert_eq!((f * e).unwrap(), em);
        let gj = Energy::new(dec!(1), EnergyUnit::Gigajoule).unwrap();
        assert_eq!(
            (gj * EmissionFactor::t_per_mwh(dec!(0.36)).unwrap()).unwrap().tonnes(),
            dec!(0.1)
        );
    }

    #[test]
    fn negative_factors_are_refused() {
        assert!(EmissionFactor::t_per_mwh(dec!(-0.1)).is_err());
        assert!(EmissionFactor::t_per_mwh(dec!(0)).is_ok());
    }

    #[test]
    fn per_capita_and_change() {
        let em = Emissions::from_tonnes(dec!(394371.97)).unwrap();
        let p = Population::new(71388).unwrap();
        assert_eq!(round_for_display(em.per_capita(p), 2), dec!(5.52));
        let base = Emissions::from_tonnes(dec!(500000)).unwrap();
        let mei = Emissions::from_tonnes(dec!(450000)).unwrap();
        assert_eq!(mei.change_pct(base), Some(dec!(-10)));
        assert_eq!(mei.change_pct(Emissions::ZERO), None);
        assert_eq!(mei.change_percent(Emissions::ZERO), Percent::ZeroBase);
        // A baseline of 10⁻²⁸ t·MJ/MWh: the percentage does not fit a decimal.
        let tiny = Emissions { raw: Decimal::new(1, 28) };
        assert_eq!(mei.change_percent(tiny), Percent::TooLarge);
    }

    /// The integer path of [`quotient`] gives what the division of `rust_decimal` gives, over
    /// random magnitudes and scales of both operands (the release build of the CLI's scratch
    /// runs checked 20 million more).
    #[test]
    fn quotients_by_integers_match_the_division() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let decimal = |next: &mut dyn FnMut() -> u64| {
            let bits = next() % 97;
            let m = (u128::from(next()) << 64 | u128::from(next())) % (1u128 << bits).max(2);
            let scale = match next() % 4 {
                0 => 0,
                1 => (next() % 8) as u32,
                _ => (next() % 29) as u32,
            };
            Decimal::from_i128_with_scale(
                if next().is_multiple_of(4) { -(m as i128) } else { m as i128 },
                scale,
            )
        };
        let mut fast = 0;
        for _ in 0..200_000 {
            let a = decimal(&mut next);
            let b = match next() % 3 {
                0 => {
                    Decimal::from(next() % 100 + 1) * Decimal::from(3600 * (next() % 1_000_000 + 1))
                }
                _ => decimal(&mut next),
            };
            let expected = quotient_by_division(a, b);
            let got = quotient(a, b);
            fast += usize::from(rounded_quotient(a, b).is_some());
            assert_eq!(got.map(|d| d.serialize()), expected.map(|d| d.serialize()), "{a} / {b}");
        }
        assert!(fast > 50_000, "the integer path served {fast}");
    }

    /// The quotient by 3 600 for a text has the value of the normalized one and renders the
    /// same text, over random magnitudes and scales (both paths, and zero).
    #[test]
    fn quotients_by_3600_for_a_text_render_the_same() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut integer = 0;
        for k in 0..300_000 {
            let bits = next() % 97;
            let m = (u128::from(next()) << 64 | u128::from(next())) % (1u128 << bits).max(2);
            let m = if k % 7 == 0 { m * 3600 % (1u128 << 96) } else { m };
            let scale = (next() % 29) as u32;
            let a = Decimal::from_i128_with_scale(
                if next().is_multiple_of(5) { -(m as i128) } else { m as i128 },
                scale,
            );
            let (text, normal) = (quotient_by_3600_for_text(a), quotient_by_3600(a));
            let expected = quotient(a, MJ_PER_MWH).unwrap();
            assert_eq!(normal.serialize(), expected.serialize(), "{a}");
            assert_eq!(text, normal, "{a}");
            assert_eq!(format_decimal(text), format_decimal(normal), "{a}");
            assert_eq!(format_decimal(text), expected.normalize().to_string(), "{a}");
            integer += usize::from(quotient_by_3600_integer(a).is_some());
        }
        assert!(integer > 30_000, "the integer path served {integer}");
    }

    #[test]
    fn every_unit_reads_back_from_its_symbol() {
        for &u in ActivityUnit::ALL {
            assert_eq!(ActivityUnit::parse(u.symbol()), Ok(u));
        }
        assert!(ActivityUnit::parse("mwh").is_err());
    }

    #[test]
    fn quotients_are_exact_or_rounded_to_15_places() {
        // Terminating: exact, even where the 28-digit division leaves the last digit off.
        assert_eq!(quotient(dec!(11550455.7579), dec!(3600)), Some(dec!(3208.45993275)));
        assert_eq!(quotient(dec!(1000), dec!(8)), Some(dec!(125)));
        assert_eq!(quotient(dec!(1), dec!(3)), Some(dec!(0.333333333333333)));
        assert_eq!(quotient(dec!(2), dec!(3)), Some(dec!(0.666666666666667)));
        assert_eq!(quotient(dec!(1), Decimal::ZERO), None);
        assert_eq!(quotient(Decimal::MAX, dec!(0.5)), None);
        assert_eq!(
            Energy::new(dec!(1000), EnergyUnit::Gigajoule).unwrap().mwh(),
            dec!(277.777777777777778)
        );
        assert_eq!(Percent::of(dec!(1), dec!(3)), Percent::Of(dec!(33.333333333333333)));
        assert!(Population::new(0).is_none());
    }

    /// Decimals of every length, scale and sign, for property tests: a 96-bit mantissa shifted
    /// right by up to 95 bits.
    fn any_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (any::<u128>(), 0u32..96, 0u32..=28, any::<bool>()).prop_map(|(bits, shift, scale, n)| {
            let m = (bits & ((1 << 96) - 1)) >> shift;
            Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, n, scale)
        })
    }

    proptest::proptest! {
        /// The magnitude test of a percentage never misses one too large: it agrees with the
        /// percentage computed, over numbers of every length and scale.
        #[test]
        fn too_large_percentages_are_found_without_dividing(part in any_decimal(), whole in any_decimal()) {
            proptest::prop_assert_eq!(
                Percent::too_large(part, whole),
                Percent::of(part, whole) == Percent::TooLarge,
                "{} / {}", part, whole
            );
        }

        /// The comparison with integers is `rust_decimal`'s, at every scale and sign.
        #[test]
        fn comparisons_are_decimal_comparisons(a in any_decimal(), b in any_decimal()) {
            proptest::prop_assert_eq!(cmp_decimal(a, b), a.cmp(&b), "{} {}", a, b);
            // The same value at the next scale (`1.5` and `1.50`).
            let longer = a.mantissa().checked_mul(10).filter(|m| m.unsigned_abs() >> 96 == 0);
            if let (Some(m), true) = (longer, a.scale() < 28) {
                let same = Decimal::from_i128_with_scale(m, a.scale().saturating_add(1));
                proptest::prop_assert_eq!(cmp_decimal(a, same), std::cmp::Ordering::Equal);
                proptest::prop_assert_eq!(cmp_decimal(same, a), std::cmp::Ordering::Equal);
            }
        }

        /// Every decimal is written as `rust_decimal` writes it normalized.
        #[test]
        fn formatting_matches_display(d in any_decimal()) {
            proptest::prop_assert_eq!(format_decimal(d), d.normalize().to_string());
        }

        /// The sum with integers is `checked_add`'s, digits, scale and sign.
        #[test]
        fn sums_are_checked_adds(a in any_decimal(), b in any_decimal()) {
            let same = |x: Option<Decimal>| x.map(|d| d.serialize());
            proptest::prop_assert_eq!(same(checked_sum(a, b)), same(a.checked_add(b)), "{} + {}", a, b);
        }
    }

    #[test]
    fn too_large_percentages_at_the_edges() {
        assert!(Percent::too_large(dec!(1), dec!(0.0000000000000000000000000001)));
        assert!(!Percent::too_large(dec!(1), dec!(0.000000000000000000000001)));
        assert!(!Percent::too_large(Decimal::MAX, Decimal::ZERO));
        assert!(!Percent::too_large(Decimal::ZERO, dec!(0.0000000000000000000000000001)));
        assert!(Percent::too_large(Decimal::MAX, dec!(0.5)));
        assert!(!Percent::too_large(Decimal::MAX, Decimal::MAX));
    }

    #[test]
    fn strict_decimal_grammar() {
        assert_eq!(parse_decimal(" 12.50 "), Ok(dec!(12.50)));
        assert_eq!(parse_decimal("-0.25"), Ok(dec!(-0.25)));
        assert_eq!(parse_decimal("+3"), Ok(dec!(3)));
        assert_eq!(parse_decimal(".5"), Ok(dec!(0.5)));
        for bad in ["1e5", "1,5", "1 000", "1_000", "NaN", "inf", "-", ".", "1.2.3", "0x10", "١٢"]
        {
            assert_eq!(parse_decimal(bad), Err(DecimalSyntax::NotADecimal), "{bad}");
        }
        assert_eq!(parse_decimal(""), Err(DecimalSyntax::Empty));
        assert_eq!(parse_decimal("1234567890123456789012345678901"), Err(DecimalSyntax::TooLong));
        assert_eq!(
            parse_decimal("0.000000000000000000000000001"),
            Ok(dec!(0.000000000000000000000000001))
        );
    }

    #[test]
    fn max_amount_is_ten_to_the_fifteen() {
        assert_eq!(MAX_AMOUNT, dec!(1000000000000000));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let huge = Energy::from_megajoules(Decimal::MAX);
        assert!(huge.checked_add(huge).is_err());
        assert!((huge * EmissionFactor::t_per_mwh(dec!(2)).unwrap()).is_err());
        assert!(Energy::new(Decimal::MAX, EnergyUnit::GigawattHour).is_err());
    }

    #[test]
    fn uom_bridge_round_trips() {
        let e = Energy::new(dec!(123.456), EnergyUnit::MegawattHour).unwrap();
        let back = Energy::from_si(e.to_si()).unwrap();
        let rel = ((back.megajoules() - e.megajoules()) / e.megajoules()).abs();
        assert!(rel < dec!(0.000000000001), "{rel}");
        let f = EmissionFactor::t_per_mwh(dec!(0.366)).unwrap().to_si();
        let m = f * e.to_si();
        let t = m.get::<uom::si::mass::ton>();
        assert!((t - 45.184_896).abs() < 1e-9, "{t}");
    }

    /// The digit count is that of the number written out, around every power of ten.
    #[test]
    fn decimal_digits_of_every_magnitude() {
        let mut cases = vec![0u128, 1, u128::MAX, u128::MAX - 1];
        for &p in &POW10 {
            cases.extend([p - 1, p, p + 1, p / 2 + 1, p.saturating_mul(7)]);
        }
        for b in 0..128 {
            cases.extend([1u128 << b, (1u128 << b) - 1]);
        }
        for n in cases {
            let written = if n == 0 { 0 } else { n.to_string().len() as u32 };
            assert_eq!(decimal_digits(n), written, "{n}");
        }
    }

    /// Integers are written as `u64`'s `Display` writes them.
    #[test]
    fn integers_as_displayed() {
        let mut cases: Vec<u64> = (0..100_000).chain([u64::MAX, u64::MAX - 1]).collect();
        let mut p = 1u64;
        while let Some(next) = p.checked_mul(10) {
            cases.extend([p - 1, p, p + 1, next - 1]);
            p = next;
        }
        for v in cases {
            let mut out = b"x".to_vec();
            write_integer_bytes(&mut out, v);
            assert_eq!(out, format!("x{v}").into_bytes(), "{v}");
        }
    }

    /// The digits at once are those of `n` written out, for every number below 10^6 and every
    /// 97th above it.
    #[test]
    fn eight_digits_at_once() {
        for n in (0..1_000_000).chain((1_000_000..100_000_000).step_by(97)).chain([99_999_999]) {
            let text = (eight_digits(n) | ZEROS).to_le_bytes();
            assert_eq!(text, *format!("{n:08}").as_bytes(), "{n}");
        }
    }

    #[test]
    fn fast_formatting_matches_display() {
        for d in [
            dec!(0),
            dec!(-0.5),
            dec!(1514.3500),
            dec!(0.000000000000000000000000001),
            dec!(123456789012345678901234567.8),
            dec!(-79228162514264337593543950335),
            dec!(100),
            dec!(0.1),
        ] {
            assert_eq!(format_decimal(d), d.normalize().to_string(), "{d}");
        }
    }

    #[test]
    fn display_and_format() {
        assert_eq!(format_decimal(dec!(1514.3500)), "1514.35");
        assert_eq!(format_decimal(dec!(0.0000001)), "0.0000001");
        assert_eq!(format_decimal(dec!(1000000000000)), "1000000000000");
        assert_eq!(Energy::from_mwh(dec!(5)).unwrap().to_string(), "5 MWh");
        assert_eq!(round_for_display(dec!(2.345), 2), dec!(2.35));
        assert_eq!(round_for_display(dec!(-2.345), 2), dec!(-2.35));
    }
}
