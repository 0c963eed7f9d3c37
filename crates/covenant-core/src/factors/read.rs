//! Reading the CSV files of a factor set: named columns, rows with their lines, sources.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};

use super::set::SetId;

/// The position of every wanted column; a name starting with `?` is optional.
pub(super) fn header_index(
    file: &str,
    headers: &csv::StringRecord,
    wanted: &[&'static str],
) -> Result<Vec<Option<usize>>> {
    wanted
        .iter()
        .map(|w| {
            let (name, optional) = w.strip_prefix('?').map_or((*w, false), |n| (n, true));
            let pos = headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
            match (pos, optional) {
                (None, false) => Err(Error::from(ErrorKind::FactorData {
                    file: file.into(),
                    line: 1,
                    message: format!("missing column '{name}'"),
                })),
                (pos, _) => Ok(pos),
            }
        })
        .collect()
}

/// One data row of a factor file: its fields in the order asked for (absent optional ones are
/// empty), borrowed from the parsed record.
pub(super) struct Row {
    record: csv::StringRecord,
    idx: std::rc::Rc<[Option<usize>]>,
}

impl Row {
    /// The fields, in the order asked for, trimmed.
    pub(super) fn fields(&self) -> Vec<&str> {
        let trim = crate::codes::trim_ascii_fast;
        self.idx.iter().map(|i| i.and_then(|i| self.record.get(i)).map_or("", trim)).collect()
    }
}

pub(super) fn read_rows<'a>(
    file: &'a str,
    text: &'a str,
    wanted: &[&'static str],
) -> Result<impl Iterator<Item = Result<(u64, Row)>> + 'a> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Fields are trimmed where they are read ([`Row::fields`]): the `csv` crate's trimming
    // makes a second record for every row.
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| {
            Error::from(ErrorKind::FactorData {
                file: file.into(),
                line: 1,
                message: e.to_string(),
            })
        })?
        .clone();
    let idx: std::rc::Rc<[Option<usize>]> = header_index(file, &headers, wanted)?.into();
    // Each record made with room for a row as long as the longest so far: one allocation for
    // its text and one for its fields, where growing them from nothing took several.
    let (mut bytes, width) = (64, headers.len());
    Ok(std::iter::from_fn(move || {
        let mut record = csv::StringRecord::with_capacity(bytes, width);
        match rdr.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                bytes = bytes.max(record.as_slice().len());
                let line = record.position().map_or(0, |p| p.line());
                Some(Ok((line, Row { record, idx: std::rc::Rc::clone(&idx) })))
            }
            Err(e) => Some(Err(Error::from(ErrorKind::FactorData {
                file: file.into(),
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            }))),
        }
    }))
}

/// The citation of a source id, or the error message for a row that names an unknown one.
pub(super) fn cited<'s>(
    sources: &'s BTreeMap<String, String>,
    id: &str,
) -> std::result::Result<&'s String, String> {
    sources.get(id).ok_or_else(|| format!("source '{id}' is not in sources.csv"))
}

/// A set file's path (for messages) and the set's `sources.csv`, read.
pub(super) fn set_files(
    id: &SetId,
    name: &str,
    sources_csv: &str,
) -> Result<(String, BTreeMap<String, String>)> {
    let sources = parse_sources(&format!("{}/sources.csv", id.dir()), sources_csv)?;
    Ok((format!("{}/{name}", id.dir()), sources))
}

pub(super) fn parse_sources(file: &str, text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for row in read_rows(file, text, &["id", "citation"])? {
        let (line, row) = row?;
        let v = row.fields();
        if out.insert(v[0].to_string(), v[1].to_string()).is_some() {
            return Err(Error::from(ErrorKind::FactorData {
                file: file.into(),
                line,
                message: format!("duplicate source id '{}'", v[0]),
            }));
        }
    }
    Ok(out)
}
