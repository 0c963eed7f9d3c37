//! covenant in the browser: a thin adapter over `covenant-core`.
//!
//! Two layers in one crate. [`api`] is plain Rust (strings in, JSON strings out) and is what the
//! tests and the CLI/wasm parity check call natively. The `#[wasm_bindgen]` functions below are
//! one-line wrappers for JavaScript. There is no arithmetic and no rounding rule here: every
//! number comes from `covenant_core`, so the page, the CLI and the library agree to the digit.
//!
//! The factor tables are not compiled into the module: the page fetches them as data
//! (`pkg/factors.json`, written by `cargo xtask wasm` with [`api::factor_bundle`]) and hands them
//! to [`load_factors`] once; every function that needs them throws `FactorsNotLoaded` before.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use wasm_bindgen::prelude::*;

pub mod api {
    //! The adapter's plain-Rust layer.

    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::OnceLock;

    use covenant_core::batch::{self, BatchInput, BatchOutput, JsonReport, Table, Tables};
    use covenant_core::error::{ErrorKind, Terms};
    use covenant_core::factors::Catalog;
    use covenant_core::gpc::{CrfSector, Subsector};
    use covenant_core::inventory::InventorySpec;
    use covenant_core::quantity::{ActivityUnit, format_decimal, parse_decimal, round_for_display};
    use covenant_core::taxonomy::ActionKind;
    use covenant_core::{Approach, Carrier, Country, Decimal, GasBasis, Sector};
    use serde::{Deserialize, Serialize};

    /// The names the page's files are reported under.
    pub const FILES: [&str; 6] = [
        "inventories.csv",
        "activity.csv",
        "factors.csv",
        "supply.csv",
        "actions.csv",
        "crf_activity.csv",
    ];

    /// The texts of a batch's files: the two required ones and the optional factors, supply and
    /// actions (the action plans of baselines).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Files<'a> {
        /// `inventories.csv`.
        pub inventories: &'a str,
        /// `activity.csv`.
        pub activity: &'a str,
        /// `factors.csv`, when there is one.
        pub factors: Option<&'a str>,
        /// `supply.csv`, when there is one.
        pub supply: Option<&'a str>,
        /// `actions.csv`, when there is one: the batch then has action plans, as with the CLI's
        /// `--actions` (`summary.csv` has the plan's columns and `plan.csv` is written).
        pub actions: Option<&'a str>,
        /// `crf_activity.csv`, when there is one: the rows of CRF inventories.
        pub crf_activity: Option<&'a str>,
    }

    impl<'a> Files<'a> {
        /// The batch input, each file named as in [`FILES`].
        fn input(self) -> BatchInput<'static, &'a [u8]> {
            BatchInput {
                inventories: (FILES[0], self.inventories.as_bytes()),
                activity: (FILES[1], self.activity.as_bytes()),
                factors: self.factors.map(|f| (FILES[2], f.as_bytes())),
                supply: self.supply.map(|s| (FILES[3], s.as_bytes())),
                actions: self.actions.map(|a| (FILES[4], a.as_bytes())),
                crf_activity: self.crf_activity.map(|c| (FILES[5], c.as_bytes())),
            }
        }
    }

    /// The CSV tables of a batch's results as the CLI writes them: with the plan's columns when
    /// the batch has an `actions.csv`, with the business-as-usual column when `inventories.csv`
    /// has the growth columns.
    fn tables<'o>(out: &'o BatchOutput, files: Files<'_>) -> Tables<'o> {
        Tables::new(&out.inventories).with_plans(files.actions.is_some()).with_bau(out.bau_columns)
    }

    /// The version of the factor bundle's layout; a bundle of any other is refused.
    pub const BUNDLE_FORMAT: u32 = 1;

    /// The factor bundle: every file the catalogue reads, by its path relative to `factors/`.
    #[derive(Serialize, Deserialize)]
    struct Bundle {
        format: u32,
        files: BTreeMap<String, String>,
    }

    /// The factor bundle the page loads (`pkg/factors.json`): the files [`Catalog::parse`] reads,
    /// each read once with `read` (its path relative to `factors/` in, its text out), as JSON
    /// (`{"format": 1, "files": {path: text}}`). The catalogue is parsed on the way, so a bundle
    /// is only written from valid files.
    pub fn factor_bundle(read: impl Fn(&str) -> Option<String>) -> Result<String, LoadError> {
        let files = RefCell::new(BTreeMap::new());
        Catalog::parse(|path| {
            let text = read(path)?;
            files.borrow_mut().insert(path.to_string(), text.clone());
            Some(text)
        })
        .map_err(LoadError::Factors)?;
        let bundle = Bundle { format: BUNDLE_FORMAT, files: files.into_inner() };
        serde_json::to_string(&bundle).map_err(|e| LoadError::NotABundle(e.to_string()))
    }

    /// The catalogue of a factor bundle written by [`factor_bundle`], read with `serde_json`
    /// (the browser module reads it with the browser's `JSON.parse` instead, see `loadFactors`).
    pub fn parse_bundle(bundle: &str) -> Result<Catalog, LoadError> {
        let bundle: Bundle =
            serde_json::from_str(bundle).map_err(|e| LoadError::NotABundle(e.to_string()))?;
        if bundle.format != BUNDLE_FORMAT {
            return Err(LoadError::wrong_format(&bundle.format.to_string()));
        }
        parse_files(|path| bundle.files.get(path).cloned())
    }

    /// The catalogue of the files of a bundle, `read(path)` giving each file's text.
    pub fn parse_files(read: impl Fn(&str) -> Option<String>) -> Result<Catalog, LoadError> {
        Catalog::parse(read).map_err(LoadError::Factors)
    }

    /// Why a factor bundle could not be loaded.
    #[derive(Debug)]
    pub enum LoadError {
        /// The text is not a factor bundle of this engine's format (what is wrong).
        NotABundle(String),
        /// A file of the bundle is missing or invalid.
        Factors(covenant_core::Error),
    }

    impl LoadError {
        /// A bundle whose `format` is `found` (as written in the JSON), not [`BUNDLE_FORMAT`].
        pub fn wrong_format(found: &str) -> LoadError {
            LoadError::NotABundle(format!(
                "format {found} where this engine reads format {BUNDLE_FORMAT}"
            ))
        }
    }

    impl fmt::Display for LoadError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                LoadError::NotABundle(what) => write!(
                    f,
                    "the factor tables are not a covenant factor bundle ({what}): serve the \
                     pkg/factors.json written with the module by `cargo xtask wasm`"
                ),
                LoadError::Factors(e) => write!(
                    f,
                    "the factor bundle holds invalid factor data ({e}): rebuild pkg/factors.json \
                     from the released factors/ folder with `cargo xtask wasm`"
                ),
            }
        }
    }

    impl std::error::Error for LoadError {}

    /// An engine function was called before the factor tables were loaded.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct FactorsNotLoaded;

    impl fmt::Display for FactorsNotLoaded {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(
                "the factor tables are not loaded: call loadFactors with the text of \
                 pkg/factors.json before any other engine function",
            )
        }
    }

    impl std::error::Error for FactorsNotLoaded {}

    /// A catalogue loaded once from a factor bundle.
    #[derive(Debug, Default)]
    pub struct Factors(OnceLock<Catalog>);

    impl Factors {
        /// Nothing loaded yet.
        pub const fn new() -> Factors {
            Factors(OnceLock::new())
        }

        /// Parses a factor bundle (its JSON text) and keeps its catalogue (see
        /// [`Factors::load_with`]).
        pub fn load(&self, bundle: &str) -> Result<(), LoadError> {
            self.load_with(|| parse_bundle(bundle))
        }

        /// Keeps the catalogue `parse` gives, if none is loaded yet. Once a catalogue is
        /// loaded, later calls keep it and parse nothing: the tables of an engine never change
        /// under it.
        pub fn load_with(
            &self,
            parse: impl FnOnce() -> Result<Catalog, LoadError>,
        ) -> Result<(), LoadError> {
            if self.0.get().is_none() {
                // A concurrent load may have won meanwhile; its catalogue is kept.
                let _ = self.0.set(parse()?);
            }
            Ok(())
        }

        /// The engine over the loaded catalogue.
        pub fn engine(&self) -> Result<Engine<'_>, FactorsNotLoaded> {
            self.0.get().map(Engine::new).ok_or(FactorsNotLoaded)
        }
    }

    /// The factor tables of this module instance (the page loads them once in each thread).
    pub static FACTORS: Factors = Factors::new();

    /// The engine over the factor tables loaded into [`FACTORS`].
    pub fn engine() -> Result<Engine<'static>, FactorsNotLoaded> {
        FACTORS.engine()
    }

    /// [`Engine::run_batch_with_supply`] with the factor tables compiled into `covenant-core`
    /// (feature `embedded-factors`), as the command line computes: for native callers such as
    /// the CLI/wasm parity tests.
    #[cfg(feature = "embedded-factors")]
    pub fn run_batch_with_supply(
        inventories: &str,
        activity: &str,
        factors: Option<&str>,
        supply: Option<&str>,
    ) -> String {
        Engine::embedded().run_batch_with_supply(inventories, activity, factors, supply)
    }

    /// [`Engine::run_batch_files`] with the factor tables compiled into `covenant-core` (feature
    /// `embedded-factors`), as the command line computes: for the CLI/wasm parity tests.
    #[cfg(feature = "embedded-factors")]
    pub fn run_batch_files(files: Files<'_>) -> String {
        Engine::embedded().run_batch_files(files)
    }

    /// The engine version.
    pub fn version() -> &'static str {
        covenant_core::inventory::ENGINE_VERSION
    }

    /// Rounds a decimal string for display with the engine's one rounding rule (half away from
    /// zero) and writes it in full; the page only localizes the separators.
    pub fn round_for_display_str(value: &str, dp: u32) -> Result<String, String> {
        let d = parse_decimal(value).map_err(|e| format!("'{value}': {e}"))?;
        Ok(format_decimal(round_for_display(d, dp.min(28))))
    }

    /// The engine over one factor catalogue: every function of the page that needs the factor
    /// tables.
    #[derive(Clone, Copy, Debug)]
    pub struct Engine<'a> {
        catalog: &'a Catalog,
    }

    #[cfg(feature = "embedded-factors")]
    impl Engine<'static> {
        /// The engine over the factor tables compiled into `covenant-core` (feature
        /// `embedded-factors`): the command line's catalogue.
        pub fn embedded() -> Engine<'static> {
            Engine::new(Catalog::embedded())
        }
    }

    impl<'a> Engine<'a> {
        /// The engine over `catalog`.
        pub fn new(catalog: &'a Catalog) -> Engine<'a> {
            Engine { catalog }
        }

        /// The catalogue the engine computes with.
        pub fn catalog(&self) -> &'a Catalog {
            self.catalog
        }

        /// Runs a batch from the texts of its files.
        fn run(&self, files: Files<'_>) -> BatchOutput {
            batch::run(files.input(), self.catalog)
        }

        /// The eCRF workbook of one inventory of a batch (SECAP or CRF), as the template lays
        /// it out: [`covenant_core::ecrf::convert::to_workbook`] written by
        /// [`covenant_core::ecrf::write::write_workbook`].
        #[cfg(feature = "xlsx")]
        pub fn ecrf_workbook(&self, files: Files<'_>, id: &str) -> Result<Vec<u8>, String> {
            let out = self.run(files);
            let r = out
                .inventories
                .iter()
                .find(|r| r.inventory.spec.id == id)
                .ok_or_else(|| format!("inventory '{id}' was not computed"))?;
            let wb = covenant_core::ecrf::convert::to_workbook(&r.inventory)
                .map_err(|e| e.to_string())?;
            covenant_core::ecrf::write::write_workbook(&wb).map_err(|e| e.to_string())
        }

        /// Imports eCRF workbooks (each its file name, whose stem becomes the inventory id, and
        /// its bytes), together as `covenant ecrf import` does: the reader's located findings
        /// ([`covenant_core::ecrf::read_located`]), then what
        /// [`covenant_core::ecrf::import::import`] derives (`inventories.csv` and
        /// `crf_activity.csv`, which the page computes and loads like imported batch files) and
        /// finds, as JSON: `{inventories_csv, crf_activity_csv, books, findings, unreadable,
        /// filled}`. `books` is `[{file, id}]` for every workbook read, each finding `{file,
        /// code, severity, sheet, cell, params, message}`, `unreadable` `[{file, code, params,
        /// message}]` for every file that cannot be read as a workbook at all (the others are
        /// imported). With `fill_factors`, an activity without factors is computed with the
        /// release's (as `ecrf import --fill-factors`) and `filled` gives, for each workbook
        /// with a gap filled, the difference it made
        /// ([`covenant_core::ecrf::import::fill_effect`]). `approach` is the derived
        /// inventories' approach (as `ecrf import --approach`: it chooses the grid factors
        /// that fill a gap of electricity); `None` leaves the batch format's default.
        #[cfg(feature = "ecrf-read")]
        pub fn import_ecrf_books(
            &self,
            books: &[(&str, &[u8])],
            fill_factors: bool,
            approach: Option<Approach>,
        ) -> String {
            use covenant_core::ecrf::import::{
                Book, BookFinding, ImportOptions, fill_effect, import,
            };
            use covenant_core::ecrf::{ReadError, read_located};
            let mut read = Vec::new();
            let mut unreadable = Vec::new();
            for &(file, bytes) in books {
                match read_located(bytes) {
                    Ok((workbook, positions, findings)) => {
                        read.push((file, workbook, positions, findings));
                    }
                    Err(e) => {
                        let params: Vec<(&str, String)> = match &e {
                            ReadError::TooLarge { bytes, limit } => {
                                vec![("bytes", bytes.to_string()), ("limit", limit.to_string())]
                            }
                            ReadError::Unpacked { bytes, limit } => {
                                vec![("bytes", bytes.to_string()), ("limit", limit.to_string())]
                            }
                            ReadError::TooManyCells { sheet, limit } => {
                                vec![("sheet", sheet.clone()), ("limit", limit.to_string())]
                            }
                            ReadError::NotAWorkbook { .. } => Vec::new(),
                            ReadError::MissingSheet { sheet, found } => {
                                vec![("sheet", (*sheet).to_string()), ("found", found.clone())]
                            }
                            ReadError::MissingHeader { header } => {
                                vec![("header", header.trim().to_string())]
                            }
                        };
                        unreadable.push(serde_json::json!({
                            "file": file,
                            "code": e.code(),
                            "params": params.into_iter().collect::<BTreeMap<_, _>>(),
                            "message": e.to_string(),
                        }));
                    }
                }
            }
            let list: Vec<Book<'_>> = read
                .iter()
                .map(|(file, workbook, positions, _)| Book { file, workbook, positions })
                .collect();
            let options = ImportOptions { fill_factors, approach, threads: 1 };
            let imported = import(&list, self.catalog, options);
            let filled = if fill_factors {
                let unfilled =
                    import(&list, self.catalog, ImportOptions { fill_factors: false, ..options });
                fill_effect(&list, &unfilled, &imported)
            } else {
                Vec::new()
            };
            // Workbook by workbook: the reader's findings first, then the import's.
            let mut findings: Vec<BookFinding> = Vec::new();
            for (file, _, _, list) in &read {
                findings.extend(
                    list.iter()
                        .map(|f| BookFinding { file: (*file).to_string(), finding: f.clone() }),
                );
                findings.extend(imported.findings.iter().filter(|f| f.file == *file).cloned());
            }
            let books: Vec<serde_json::Value> = read
                .iter()
                .zip(&imported.ids)
                .map(|((file, ..), id)| serde_json::json!({ "file": file, "id": id }))
                .collect();
            serde_json::json!({
                "inventories_csv": imported.inventories_csv,
                "crf_activity_csv": imported.crf_activity_csv,
                "books": books,
                "findings": findings,
                "unreadable": unreadable,
                "filled": filled,
            })
            .to_string()
        }

        /// The factor releases, the taxonomy and the countries, as JSON.
        pub fn catalog_json(&self) -> String {
            let cat = self.catalog;
            let newest = cat.newest();
            let releases = cat
                .releases()
                .iter()
                .map(|r| ReleaseInfo {
                    id: r.id().into(),
                    date: r.date().into(),
                    description: r.description().into(),
                    default: r.id() == newest.id(),
                    sets: r
                        .factor_sets()
                        .iter()
                        .map(|s| SetInfo {
                            id: s.id().to_string(),
                            com: s.is_com(),
                            factors: s.records().len(),
                            sources: s
                                .sources()
                                .iter()
                                .map(|(k, v)| (k.clone(), v.to_string()))
                                .collect(),
                        })
                        .collect(),
                    gwp: gwp_info(r),
                    fuel_properties: fuel_info(r),
                })
                .collect();
            let sectors = Sector::ALL
                .iter()
                .map(|s| CodeInfo {
                    code: s.code(),
                    label: s.label(),
                    group: Some(s.group()),
                    key: Some(s.is_key()),
                    fuel: None,
                    biomass: None,
                    excludes: Carrier::ALL
                        .iter()
                        .filter(|c| !s.accepts(**c))
                        .map(|c| c.code())
                        .collect(),
                })
                .collect();
            let carriers = Carrier::ALL
                .iter()
                .map(|c| CodeInfo {
                    code: c.code(),
                    label: c.label(),
                    group: None,
                    key: None,
                    fuel: Some(c.is_fuel()),
                    biomass: Some(c.is_biomass()),
                    excludes: Vec::new(),
                })
                .collect();
            let countries = Country::all()
                .map(|c| CountryInfo {
                    code: c.code().to_string(),
                    name: c.name(),
                    electricity: if newest.electricity().covers(Carrier::Electricity, c) {
                        "com"
                    } else if newest.partner_grid().covers(Carrier::Electricity, c) {
                        "partner"
                    } else {
                        "none"
                    },
                })
                .collect();
            let info = CatalogInfo {
                version: version(),
                releases,
                sectors,
                carriers,
                units: ActivityUnit::ALL.iter().map(|u| u.symbol()).collect(),
                countries,
                unit_kinds: unit_kinds(),
                presets: presets(),
                diagnostics: covenant_core::error::kinds::diagnostics(),
                action_kinds: ActionKind::ALL.iter().map(|k| k.code()).collect(),
                crf: crf_info(),
            };
            serde_json::to_string(&info).unwrap_or_default()
        }

        /// The electricity factor the release selects for a country and year, or why there is none.
        pub fn national_factor_json(
            &self,
            country: &str,
            year: u16,
            approach: &str,
            gases: &str,
            release: &str,
        ) -> String {
            let answer = (|| {
                let missing =
                    |message: String| FactorAnswer::Missing { message, code: None, params: None };
                let country = Country::parse(country).map_err(|e| missing(e.to_string()))?;
                let approach =
                    Approach::parse_code(approach).map_err(|e| missing(e.to_string()))?;
                let gases = GasBasis::parse_code(gases).map_err(|e| missing(e.to_string()))?;
                let release =
                    self.catalog.release(Some(release)).map_err(|e| missing(e.to_string()))?;
                let spec = InventorySpec {
                    approach,
                    gases,
                    ..InventorySpec::baseline("x", country, year)
                };
                let (set, rec) = release
                    .factor(Carrier::Electricity, spec.country, spec.year, approach, gases)
                    .ok_or_else(|| {
                        let kind = ErrorKind::MissingFactor {
                            carrier: Carrier::Electricity,
                            country,
                            year,
                            approach,
                            gases,
                            release: release.id().to_string(),
                            reason: release.missing_reason(
                                Carrier::Electricity,
                                country,
                                approach,
                                gases,
                            ),
                        };
                        FactorAnswer::Missing {
                            message: kind.message(Terms::Library),
                            code: Some(kind.code()),
                            params: Some(kind.params()),
                        }
                    })?;
                Ok::<_, FactorAnswer>(FactorAnswer::Found {
                    value: format_decimal(rec.factor.value()),
                    set: set.id().to_string(),
                    com: set.is_com(),
                    citation: set
                        .citation(&rec.source)
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    tag: rec.tag.letter(),
                    note: rec.note.to_string(),
                })
            })()
            .unwrap_or_else(|missing| missing);
            serde_json::to_string(&answer).unwrap_or_default()
        }

        /// Runs a batch exactly as `covenant batch --format json` does, and also returns the CSV
        /// files the CLI writes, byte for byte.
        pub fn run_batch(
            &self,
            inventories: &str,
            activity: &str,
            factors: Option<&str>,
        ) -> String {
            self.run_batch_with_supply(inventories, activity, factors, None)
        }

        /// [`Engine::run_batch`] with the optional supply file (local production, Tables C and D).
        pub fn run_batch_with_supply(
            &self,
            inventories: &str,
            activity: &str,
            factors: Option<&str>,
            supply: Option<&str>,
        ) -> String {
            self.run_batch_files(Files {
                inventories,
                activity,
                factors,
                supply,
                actions: None,
                crf_activity: None,
            })
        }

        /// [`Engine::run_batch`] with every optional file: with an `actions.csv`, the report
        /// gives each baseline's plan, `summary.csv` has the plan's columns, and `plan_csv` is
        /// `plan.csv`, as with the CLI's `--actions`.
        pub fn run_batch_files(&self, files: Files<'_>) -> String {
            let out: BatchOutput = self.run(files);
            let tables = tables(&out, files);
            let result = BatchResult {
                report: JsonReport::new(&out),
                emissions_csv: table_text(&tables, Table::Emissions),
                summary_csv: table_text(&tables, Table::Summary),
                errors_csv: csv_text(|w| batch::write_errors(w, &out.errors)),
                plan_csv: files.actions.map(|_| table_text(&tables, Table::Plan)),
                crf_rows_csv: files.crf_activity.map(|_| table_text(&tables, Table::CrfRows)),
                crf_totals_csv: files.crf_activity.map(|_| table_text(&tables, Table::CrfTotals)),
                sources: out
                    .inventories
                    .iter()
                    .map(|r| {
                        r.inventory
                            .factors
                            .iter()
                            .map(|f| (f.carrier, f.provenance.short()))
                            .collect()
                    })
                    .collect(),
            };
            serde_json::to_string(&result).unwrap_or_default()
        }

        /// Runs a batch, calling `progress` with the number of activity rows read so far (every
        /// 65,536 rows), for a progress bar while a large batch is imported. Returns the JSON
        /// report of `covenant batch --format json` with, when there are plans,
        /// `plan_by_sector`: for each baseline with a plan, `[inventory_id, [[sector,
        /// reduction_t], …]]`.
        pub fn run_batch_with_progress(
            &self,
            files: Files<'_>,
            progress: &mut dyn FnMut(u64),
        ) -> String {
            let out =
                batch::run_with(files.input(), self.catalog, batch::Options::default(), progress);
            let plan_by_sector = out
                .inventories
                .iter()
                .filter_map(|r| Some((r.inventory.spec.id.as_str(), r.plan.as_ref()?.by_sector())))
                .collect();
            let crf_summary = crf_summaries(&out);
            let page = PageReport { report: JsonReport::new(&out), plan_by_sector, crf_summary };
            serde_json::to_string(&page).unwrap_or_default()
        }

        /// The four output files of `covenant batch`, its `errors.csv`, and with an
        /// `actions.csv` its `plan.csv`, byte for byte, as JSON.
        pub fn batch_outputs_json(&self, files: Files<'_>) -> String {
            let out = self.run(files);
            let tables = tables(&out, files);
            let outputs = BatchOutputs {
                emissions_csv: table_text(&tables, Table::Emissions),
                summary_csv: table_text(&tables, Table::Summary),
                trajectory_csv: table_text(&tables, Table::Trajectory),
                crf_csv: table_text(&tables, Table::Crf),
                errors_csv: csv_text(|w| batch::write_errors(w, &out.errors)),
                plan_csv: files.actions.map(|_| table_text(&tables, Table::Plan)),
                crf_rows_csv: files.crf_activity.map(|_| table_text(&tables, Table::CrfRows)),
                crf_totals_csv: files.crf_activity.map(|_| table_text(&tables, Table::CrfTotals)),
            };
            serde_json::to_string(&outputs).unwrap_or_default()
        }

        /// The XLSX workbook of one inventory of a batch (laid out like the SECAP template; with
        /// the sheet "Action plan" for a baseline with a plan).
        #[cfg(feature = "xlsx")]
        pub fn xlsx_workbook(&self, files: Files<'_>, id: &str) -> Result<Vec<u8>, String> {
            let out = self.run(files);
            let r = out
                .inventories
                .iter()
                .find(|r| r.inventory.spec.id == id)
                .ok_or_else(|| format!("inventory '{id}' was not computed"))?;
            covenant_core::xlsx::workbook(r).map_err(|e| e.to_string())
        }
    }

    #[derive(Serialize)]
    struct SetInfo {
        id: String,
        com: bool,
        factors: usize,
        sources: Vec<(String, String)>,
    }

    #[derive(Serialize)]
    struct ReleaseInfo {
        id: String,
        date: String,
        description: String,
        default: bool,
        sets: Vec<SetInfo>,
        /// The GWP sets of the release (for CO2-eq computed per gas).
        gwp: Vec<GwpInfo>,
        /// The calorific values and densities of the fuels (for fuel quantities in L, m3, kg, t).
        fuel_properties: Vec<FuelInfo>,
    }

    #[derive(Serialize)]
    struct CodeInfo {
        code: &'static str,
        label: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        group: Option<covenant_core::taxonomy::SectorGroup>,
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fuel: Option<bool>,
        /// Biomass carriers can be entered as non-sustainable.
        #[serde(skip_serializing_if = "Option::is_none")]
        biomass: Option<bool>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        excludes: Vec<&'static str>,
    }

    #[derive(Serialize)]
    struct CountryInfo {
        code: String,
        name: &'static str,
        /// `com` (JRC national set), `partner` (non-CoM set) or `none`.
        electricity: &'static str,
    }

    #[derive(Serialize)]
    struct CatalogInfo {
        version: &'static str,
        releases: Vec<ReleaseInfo>,
        sectors: Vec<CodeInfo>,
        carriers: Vec<CodeInfo>,
        units: Vec<&'static str>,
        countries: Vec<CountryInfo>,
        /// What each unit measures (the page offers fuel units only for fuels).
        unit_kinds: Vec<UnitInfo>,
        /// The target presets of the Covenant of Mayors.
        presets: Vec<PresetInfo>,
        /// Every kind of error and warning: its code, severity and parameters, and the values
        /// of the sub-kind its message depends on (the page has a message for each).
        diagnostics: Vec<covenant_core::error::kinds::KindInfo>,
        /// The kinds of action of a plan (`actions.csv`), in the template's order.
        action_kinds: Vec<&'static str>,
        /// The Common Reporting Framework: its lines, summary rows, sectors and units.
        crf: CrfInfo,
    }

    /// What the page needs to enter a CRF inventory and show its eCRF summary.
    #[derive(Serialize)]
    struct CrfInfo {
        /// The 67 lines of `eCRF_3`, in template order.
        lines: Vec<CrfLineInfo>,
        /// The sub-sector rows of `eCRF_2`, in order.
        summary_rows: Vec<SummaryRowInfo>,
        /// The CRF sectors, in order, with their total row of `eCRF_2` (none for other scope 3).
        sectors: Vec<(CrfSector, Option<u32>)>,
        /// The `eCRF_2` row of the eCRF total (every sector but generation).
        total_row: u32,
        /// The activity units the engine converts (any other is a count).
        units: Vec<&'static str>,
        /// The notation keys.
        keys: Vec<&'static str>,
        /// The GWP set a CRF inventory is weighed with when it names none.
        default_gwp: &'static str,
    }

    #[derive(Serialize)]
    struct CrfLineInfo {
        /// The GPC reference, where the template gives one.
        gpc_ref: Option<&'static str>,
        sector: CrfSector,
        subsector: Subsector,
        /// 1, 2 or 3.
        scope: u8,
        level: covenant_core::gpc::Level,
        /// Whether the template fixes the line to `NE`.
        fixed_ne: bool,
    }

    #[derive(Serialize)]
    struct SummaryRowInfo {
        row: u32,
        sector: CrfSector,
        /// The sub-sector's code (`commercial` and `institutional` for the two rows of `I.2`).
        key: &'static str,
        gpc: &'static str,
    }

    /// The CRF's lines, summary rows, sectors and units, for the catalogue.
    fn crf_info() -> CrfInfo {
        use covenant_core::gpc::taxonomy::LINES;
        use covenant_core::gpc::{SUMMARY_LINES, summary_row, total_row};
        let lines = LINES
            .iter()
            .map(|l| CrfLineInfo {
                gpc_ref: l.gpc_ref,
                sector: l.subsector.sector(),
                subsector: l.subsector,
                scope: l.scope.number(),
                level: l.level,
                fixed_ne: l.fixed_ne(),
            })
            .collect();
        let summary_rows = SUMMARY_LINES
            .iter()
            .map(|s| SummaryRowInfo {
                row: s.row,
                sector: s.sector,
                key: match s.row {
                    5 => "commercial",
                    6 => "institutional",
                    row => LINES
                        .iter()
                        .find(|l| summary_row(l) == Some(row))
                        .map_or("", |l| l.subsector.code()),
                },
                gpc: s.gpc,
            })
            .collect();
        CrfInfo {
            lines,
            summary_rows,
            sectors: CrfSector::ALL.iter().map(|&s| (s, total_row(s))).collect(),
            total_row: ECRF_TOTAL_ROW,
            units: covenant_core::gpc::units::known_units().collect(),
            keys: vec!["NO", "NE", "IE", "C"],
            default_gwp: covenant_core::gpc::DEFAULT_GWP,
        }
    }

    /// The `eCRF_2` row of the eCRF total.
    const ECRF_TOTAL_ROW: u32 = 34;

    /// A cell of a CRF inventory's `eCRF_2` summary, for the page.
    #[derive(Serialize)]
    struct SummaryCellInfo {
        row: u32,
        /// 1, 2 or 3.
        scope: u8,
        /// t CO2-eq, when the workbook has a number in the cell.
        value: Option<Decimal>,
        /// Its notation key, when the workbook has one (at most one).
        keys: Vec<&'static str>,
    }

    /// The `eCRF_2` summary of every CRF inventory of a batch, by inventory id: for every row and
    /// scope, what the inventory's eCRF workbook has in that cell
    /// ([`covenant_core::ecrf::convert::summary`]): the value, or the notation key, or nothing
    /// (a cell left empty is not listed).
    fn crf_summaries(out: &BatchOutput) -> Vec<(&str, Vec<SummaryCellInfo>)> {
        use covenant_core::ecrf::ScopeLabel;
        out.inventories
            .iter()
            .filter_map(|r| {
                let rows = covenant_core::ecrf::convert::summary(r.inventory.crf.as_ref()?).ok()?;
                let mut list = Vec::new();
                for row in &rows {
                    for (n, scope) in [
                        (1, ScopeLabel::Direct),
                        (2, ScopeLabel::Indirect),
                        (3, ScopeLabel::Outside),
                    ] {
                        let e = row.entry(scope);
                        if e.value.is_none() && e.key.is_none() {
                            continue;
                        }
                        list.push(SummaryCellInfo {
                            row: row.line.row(),
                            scope: n,
                            value: e.value,
                            keys: e.key.iter().map(|k| k.code()).collect(),
                        });
                    }
                }
                list.sort_by_key(|c| (c.row, c.scope));
                Some((r.inventory.spec.id.as_str(), list))
            })
            .collect()
    }

    #[derive(Serialize)]
    struct GwpInfo {
        code: String,
        source: String,
    }

    /// The GWP sets a release offers, by code, with their sources.
    fn gwp_info(release: &covenant_core::factors::Release) -> Vec<GwpInfo> {
        if release.per_gas().is_none() {
            return Vec::new();
        }
        release
            .gwp()
            .iter()
            .map(|g| GwpInfo { code: g.code.clone(), source: g.source.clone() })
            .collect()
    }

    #[derive(Serialize)]
    struct FuelInfo {
        carrier: &'static str,
        ncv_gj_per_t: Option<String>,
        density_kg_per_l: Option<String>,
    }

    /// The release's net calorific value (GJ/t) and density (kg/L) of every fuel it has them for.
    fn fuel_info(release: &covenant_core::factors::Release) -> Vec<FuelInfo> {
        let props = release.properties();
        Carrier::ALL
            .iter()
            .filter(|c| c.is_fuel())
            .map(|&c| FuelInfo {
                carrier: c.code(),
                ncv_gj_per_t: props.ncv(c).map(|p| format_decimal(p.value)),
                density_kg_per_l: props.density(c).map(|p| format_decimal(p.value)),
            })
            .collect()
    }

    #[derive(Serialize)]
    struct UnitInfo {
        symbol: &'static str,
        /// `energy`, `fuel` (a quantity of fuel) or `emissions` (non-energy sectors).
        kind: &'static str,
    }

    /// Every activity unit with what it measures.
    fn unit_kinds() -> Vec<UnitInfo> {
        ActivityUnit::ALL
            .iter()
            .map(|u| UnitInfo {
                symbol: u.symbol(),
                kind: match u {
                    ActivityUnit::Energy(_) => "energy",
                    ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e => "emissions",
                    _ => "fuel",
                },
            })
            .collect()
    }

    #[derive(Serialize)]
    struct PresetInfo {
        code: covenant_core::trajectory::TargetPreset,
        year: u16,
        reduction_pct: String,
    }

    /// The target presets with their year and reduction.
    fn presets() -> Vec<PresetInfo> {
        covenant_core::trajectory::TargetPreset::ALL
            .iter()
            .map(|&p| {
                let (year, pct) = p.year_and_pct();
                PresetInfo { code: p, year, reduction_pct: format_decimal(pct) }
            })
            .collect()
    }

    #[derive(Serialize)]
    #[serde(tag = "status", rename_all = "snake_case")]
    enum FactorAnswer {
        Found {
            value: String,
            set: String,
            com: bool,
            citation: String,
            tag: &'static str,
            note: String,
        },
        Missing {
            message: String,
            /// The error's code and parameters, when the inputs were valid.
            #[serde(skip_serializing_if = "Option::is_none")]
            code: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            params: Option<covenant_core::error::Params>,
        },
    }

    #[derive(Serialize)]
    struct BatchResult<'a> {
        report: JsonReport<'a>,
        emissions_csv: String,
        summary_csv: String,
        errors_csv: String,
        /// `plan.csv`, for a batch with an `actions.csv`.
        #[serde(skip_serializing_if = "Option::is_none")]
        plan_csv: Option<String>,
        /// `crf_rows.csv`, for a batch with a `crf_activity.csv`.
        #[serde(skip_serializing_if = "Option::is_none")]
        crf_rows_csv: Option<String>,
        /// `crf_totals.csv`, for a batch with a `crf_activity.csv`.
        #[serde(skip_serializing_if = "Option::is_none")]
        crf_totals_csv: Option<String>,
        /// The `factor_source` text of every carrier, per inventory (as in emissions.csv).
        sources: Vec<Vec<(Carrier, String)>>,
    }

    /// The JSON report for the page: the report of `covenant batch --format json` and, for each
    /// baseline with a plan, the plan's reduction in the target year by sector
    /// ([`covenant_core::plan::Plan::by_sector`]), by inventory id.
    #[derive(Serialize)]
    struct PageReport<'a> {
        #[serde(flatten)]
        report: JsonReport<'a>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        plan_by_sector: Vec<(&'a str, Vec<(Sector, Decimal)>)>,
        /// For each CRF inventory, its `eCRF_2` summary, by inventory id.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        crf_summary: Vec<(&'a str, Vec<SummaryCellInfo>)>,
    }

    fn csv_text<E: fmt::Display>(f: impl FnOnce(&mut Vec<u8>) -> Result<(), E>) -> String {
        let mut buf = Vec::new();
        match f(&mut buf) {
            Ok(()) => String::from_utf8(buf).unwrap_or_default(),
            Err(e) => format!("error: {e}"),
        }
    }

    /// A table of a batch's results, as the CLI writes it.
    fn table_text(tables: &Tables<'_>, table: Table) -> String {
        csv_text(|w| tables.write(table, w))
    }

    #[derive(Serialize)]
    struct BatchOutputs {
        emissions_csv: String,
        summary_csv: String,
        trajectory_csv: String,
        crf_csv: String,
        errors_csv: String,
        /// `plan.csv`, for a batch with an `actions.csv`.
        #[serde(skip_serializing_if = "Option::is_none")]
        plan_csv: Option<String>,
        /// `crf_rows.csv`, for a batch with a `crf_activity.csv`.
        #[serde(skip_serializing_if = "Option::is_none")]
        crf_rows_csv: Option<String>,
        /// `crf_totals.csv`, for a batch with a `crf_activity.csv`.
        #[serde(skip_serializing_if = "Option::is_none")]
        crf_totals_csv: Option<String>,
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::path::Path;

        /// The bundle of the files in the repository's `factors/` folder.
        fn bundle() -> String {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../factors");
            factor_bundle(|p| std::fs::read_to_string(dir.join(p)).ok()).unwrap()
        }

        /// The engine over the tables loaded from the bundle, as in the page.
        fn loaded() -> Engine<'static> {
            static FACTORS: Factors = Factors::new();
            FACTORS.load(&bundle()).unwrap();
            FACTORS.engine().unwrap()
        }

        #[test]
        fn nothing_is_computed_before_the_tables_are_loaded() {
            let factors = Factors::new();
            let e = factors.engine().unwrap_err();
            assert_eq!(e, FactorsNotLoaded);
            assert!(e.to_string().contains("call loadFactors"), "{e}");
            for (text, says) in [
                ("not json", "not a covenant factor bundle"),
                (r#"{"format":2,"files":{}}"#, "format 2 where this engine reads format 1"),
                (r#"{"format":1,"files":{}}"#, "releases.csv:0: file not found"),
            ] {
                let e = factors.load(text).unwrap_err().to_string();
                assert!(e.contains(says) && e.contains("cargo xtask wasm"), "{e}");
                assert!(factors.engine().is_err());
            }
            let bundle = bundle();
            let broken = bundle.replacen("com-2024.1,", "com-2024.1,,", 1);
            assert!(matches!(factors.load(&broken), Err(LoadError::Factors(_))));
            factors.load(&bundle).unwrap();
            let engine = factors.engine().unwrap();
            assert_eq!(engine.catalog().newest().id(), "com-2024.4");
            // Loaded once: a later bundle changes nothing.
            factors.load("not json").unwrap();
            assert!(std::ptr::eq(factors.engine().unwrap().catalog(), engine.catalog()));
        }

        #[test]
        fn the_bundle_holds_the_files_the_catalogue_reads() {
            let v: serde_json::Value = serde_json::from_str(&bundle()).unwrap();
            assert_eq!(v["format"], BUNDLE_FORMAT);
            let files = v["files"].as_object().unwrap();
            assert!(files.contains_key("releases.csv"));
            assert!(files.contains_key("jrc-neefe/2024.1/factors.csv"));
            // Reference series the engine does not read stay out.
            assert!(!files.keys().any(|k| k.ends_with("alternatives.csv")));
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../factors");
            for (path, text) in files {
                assert_eq!(std::fs::read_to_string(dir.join(path)).ok().as_deref(), text.as_str());
            }
        }

        #[test]
        #[cfg(feature = "embedded-factors")]
        fn loaded_tables_give_what_the_embedded_tables_give() {
            let (embedded, loaded) = (Engine::embedded(), loaded());
            assert_eq!(embedded.catalog_json(), loaded.catalog_json());
            let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden");
            for case in ["kozani-2010", "aldbrook-2020"] {
                let read = |f: &str| std::fs::read_to_string(golden.join(case).join(f)).ok();
                let (inv, act) = (read("inventories.csv").unwrap(), read("activity.csv").unwrap());
                let (fac, sup) = (read("factors.csv"), read("supply.csv"));
                let files = Files {
                    inventories: &inv,
                    activity: &act,
                    factors: fac.as_deref(),
                    supply: sup.as_deref(),
                    actions: None,
                    crf_activity: None,
                };
                let run = |e: Engine<'_>| e.batch_outputs_json(files);
                assert_eq!(run(embedded), run(loaded), "{case}");
            }
            for (country, year) in [("GR", 2010), ("BR", 2020), ("GR", 2030)] {
                assert_eq!(
                    embedded.national_factor_json(country, year, "ipcc", "co2", ""),
                    loaded.national_factor_json(country, year, "ipcc", "co2", "")
                );
            }
        }

        #[test]
        fn catalog_lists_everything() {
            let v: serde_json::Value = serde_json::from_str(&loaded().catalog_json()).unwrap();
            assert_eq!(v["sectors"].as_array().unwrap().len(), 16);
            assert_eq!(v["carriers"].as_array().unwrap().len(), 16);
            assert_eq!(v["releases"][0]["id"], "com-2024.1");
            let gr = v["countries"].as_array().unwrap().iter().find(|c| c["code"] == "GR").unwrap();
            assert_eq!(gr["electricity"], "com");
            let br = v["countries"].as_array().unwrap().iter().find(|c| c["code"] == "BR").unwrap();
            assert_eq!(br["electricity"], "partner");
            let pt = v["sectors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["code"] == "private_transport")
                .unwrap();
            assert_eq!(
                pt["excludes"],
                serde_json::json!(["heat_cold", "solar_thermal", "geothermal"])
            );
        }

        #[test]
        fn catalog_has_presets_units_and_gwp() {
            let v: serde_json::Value = serde_json::from_str(&loaded().catalog_json()).unwrap();
            assert_eq!(
                v["presets"][1],
                serde_json::json!({"code": "com2030", "year": 2030, "reduction_pct": "40"})
            );
            let kind = |u: &str| {
                v["unit_kinds"].as_array().unwrap().iter().find(|k| k["symbol"] == u).unwrap()
                    ["kind"]
                    .clone()
            };
            assert_eq!(kind("GJ"), "energy");
            assert_eq!(kind("m3"), "fuel");
            assert_eq!(kind("tCO2e"), "emissions");
            let newest = v["releases"].as_array().unwrap().iter().find(|r| r["default"] == true);
            let codes: Vec<&str> = newest.unwrap()["gwp"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["code"].as_str().unwrap())
                .collect();
            assert!(codes.contains(&"ar6") && codes.contains(&"sar"), "{codes:?}");
            let diesel = newest.unwrap()["fuel_properties"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["carrier"] == "diesel")
                .unwrap();
            assert!(diesel["ncv_gj_per_t"].is_string() && diesel["density_kg_per_l"].is_string());
        }

        #[test]
        fn catalog_lists_every_diagnostic_code_once() {
            use covenant_core::error::{ErrorKind, Warning};
            let v: serde_json::Value = serde_json::from_str(&loaded().catalog_json()).unwrap();
            let list = v["diagnostics"].as_array().unwrap();
            let codes: Vec<&str> = list.iter().map(|d| d["code"].as_str().unwrap()).collect();
            let mut unique = codes.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), codes.len(), "a code is listed twice");
            let findings = covenant_core::ecrf::FindingKind::CODES;
            assert_eq!(codes.len(), ErrorKind::CODES.len() + Warning::CODES.len() + findings.len());
            for code in findings {
                assert_eq!(list.iter().filter(|d| d["code"] == *code).count(), 1, "{code}");
            }
            for (codes, severity) in [(ErrorKind::CODES, "error"), (Warning::CODES, "warning")] {
                for code in codes {
                    let found: Vec<_> = list.iter().filter(|d| d["code"] == *code).collect();
                    assert_eq!(found.len(), 1, "{code}");
                    assert_eq!(found[0]["severity"], severity, "{code}");
                    assert!(found[0]["params"].is_array() && found[0]["optional"].is_array());
                }
            }
            let mf = list.iter().find(|d| d["code"] == "missing_factor").unwrap();
            assert_eq!(mf["sub_kind"], "reason");
            let years =
                mf["variants"].as_array().unwrap().iter().find(|x| x["value"] == "years_outside");
            let params = years.unwrap()["params"].as_array().unwrap();
            for p in ["carrier", "country", "year", "first", "last"] {
                assert!(params.iter().any(|x| x == p), "{p}");
            }
        }

        #[test]
        fn outputs_and_progress() {
            let inv =
                "inventory_id,country,year,target_year,target_reduction_pct\nA,IT,2010,2030,40\n";
            let act = "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,100,MWh\n";
            let files = Files { inventories: inv, activity: act, ..Files::default() };
            let v: serde_json::Value =
                serde_json::from_str(&loaded().batch_outputs_json(files)).unwrap();
            for f in ["emissions_csv", "summary_csv", "trajectory_csv", "crf_csv", "errors_csv"] {
                assert!(v[f].as_str().unwrap().contains("inventory_id"), "{f}");
            }
            assert!(v["trajectory_csv"].as_str().unwrap().contains("A,"));
            let mut seen = Vec::new();
            let many =
                format!("{act}{}", "A,residential_buildings,natural_gas,1,MWh\n".repeat(70_000));
            let files = Files { inventories: inv, activity: &many, ..Files::default() };
            let r: serde_json::Value = serde_json::from_str(
                &loaded().run_batch_with_progress(files, &mut |rows| seen.push(rows)),
            )
            .unwrap();
            assert_eq!(r["inventories"][0]["inventory"]["total_emissions"], "14160.2");
            // Without plans the report is the CLI's, key for key.
            assert!(r.get("plan_by_sector").is_none() && v.get("plan_csv").is_none());
            assert_eq!(seen.first(), Some(&65_536));
        }

        #[test]
        fn national_factor() {
            let v: serde_json::Value =
                serde_json::from_str(&loaded().national_factor_json("GR", 2010, "ipcc", "co2", ""))
                    .unwrap();
            assert_eq!(v["status"], "found");
            assert_eq!(v["value"], "0.833");
            let v: serde_json::Value =
                serde_json::from_str(&loaded().national_factor_json("GR", 2030, "ipcc", "co2", ""))
                    .unwrap();
            assert_eq!(v["status"], "missing");
            assert!(v["message"].as_str().unwrap().contains("1990-2021"));
        }

        #[test]
        #[cfg(feature = "xlsx")]
        fn workbook_of_one_inventory() {
            let files = Files {
                inventories: "inventory_id,country,year\nA,IT,2010\n",
                activity: "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,100,MWh\n",
                ..Files::default()
            };
            let bytes = loaded().xlsx_workbook(files, "A").unwrap();
            assert_eq!(&bytes[..2], b"PK");
            assert!(loaded().xlsx_workbook(Files { activity: "", ..files }, "A").is_err());
        }

        /// A batch of CRF inventories only: their rows in `crf_activity.csv`, `activity.csv`
        /// with its header alone.
        fn crf_files<'a>(inventories: &'a str, crf_activity: &'a str) -> Files<'a> {
            Files {
                inventories,
                activity: "inventory_id,sector,carrier,amount,unit\n",
                crf_activity: Some(crf_activity),
                ..Files::default()
            }
        }

        /// The files of the golden CRF case (a fictitious Chilean city, every figure by hand).
        fn villa_serena() -> (String, String) {
            let golden =
                concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/golden/villa-serena-2019/");
            let read = |f: &str| std::fs::read_to_string(format!("{golden}{f}")).unwrap();
            (read("inventories.csv"), read("crf_activity.csv"))
        }

        #[test]
        fn catalog_lists_the_crf_lines_and_summary_rows() {
            let v: serde_json::Value = serde_json::from_str(&loaded().catalog_json()).unwrap();
            let crf = &v["crf"];
            let lines = crf["lines"].as_array().unwrap();
            assert_eq!(lines.len(), 67);
            assert_eq!(
                lines[0],
                serde_json::json!({"gpc_ref": "I.1.1", "sector": "stationary_energy",
                    "subsector": "residential", "scope": 1, "level": "basic", "fixed_ne": false})
            );
            // The three generation lines of I.4.4 differ by sub-sector.
            let generation: Vec<&str> = lines
                .iter()
                .filter(|l| l["gpc_ref"] == "I.4.4")
                .map(|l| l["subsector"].as_str().unwrap())
                .collect();
            assert_eq!(
                generation,
                ["electricity_generation", "chp_generation", "heat_cold_generation"]
            );
            let rows = crf["summary_rows"].as_array().unwrap();
            assert_eq!(rows.len(), 24);
            assert_eq!(rows[1]["key"], "commercial");
            assert_eq!(rows[2]["key"], "institutional");
            assert_eq!(
                rows[6],
                serde_json::json!({"row": 11, "sector": "transportation",
                "key": "on_road", "gpc": "II.1"})
            );
            assert_eq!(crf["sectors"][0], serde_json::json!(["stationary_energy", 10]));
            assert_eq!(crf["sectors"][6], serde_json::json!(["out_of_scope", null]));
            assert_eq!(crf["total_row"], 34);
            assert_eq!(crf["default_gwp"], "ar5");
            assert!(crf["units"].as_array().unwrap().iter().any(|u| u == "TJ"));
        }

        #[test]
        fn crf_summary_is_the_ecrf_summary_of_crf_csv() {
            let (inv, crf) = villa_serena();
            let files = crf_files(&inv, &crf);
            let e = loaded();
            let r: serde_json::Value =
                serde_json::from_str(&e.run_batch_with_progress(files, &mut |_| {})).unwrap();
            assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{}", r["errors"]);
            let summary = &r["crf_summary"][0];
            assert_eq!(summary[0], "VS-2019");
            let cells = summary[1].as_array().unwrap();
            let cell = |row: u32, scope: u32| {
                cells.iter().find(|c| c["row"] == row && c["scope"] == scope).cloned()
            };
            // Every sub-sector row × scope of crf.csv, value or notation keys.
            let v: serde_json::Value = serde_json::from_str(&e.batch_outputs_json(files)).unwrap();
            let crf_csv = v["crf_csv"].as_str().unwrap();
            let rows = &r["inventories"][0]["inventory"]["crf"];
            assert!(rows.is_object());
            let summary_rows: serde_json::Value = serde_json::from_str(&e.catalog_json()).unwrap();
            let summary_rows = summary_rows["crf"]["summary_rows"].as_array().unwrap().clone();
            // crf.csv lists the sub-sector rows of eCRF_2 in order, three scopes each.
            for (n, line) in crf_csv.lines().skip(1).enumerate() {
                let f: Vec<&str> = line.split(',').collect();
                let (scope, value, keys) = (f[4], f[5], f[6]);
                let row = summary_rows[n / 3]["row"].as_u64().unwrap();
                let scope = scope.trim_start_matches("scope_").parse().unwrap();
                let c = cell(u32::try_from(row).unwrap(), scope).unwrap();
                if value.is_empty() {
                    assert!(c["value"].is_null(), "{line}");
                    let ks: Vec<&str> =
                        c["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
                    assert_eq!(ks.join(" / "), keys, "{line}");
                } else {
                    assert_eq!(c["value"], value, "{line}");
                }
            }
            let n = crf_csv.lines().count() - 1;
            assert_eq!(n, 24 * 3);
            // The eCRF total row over the three scopes adds up to the README's figure.
            let total: Vec<String> =
                (1..=3).filter_map(|s| cell(34, s)?["value"].as_str().map(String::from)).collect();
            assert_eq!(total.len(), 3);
            assert_eq!(r["inventories"][0]["inventory"]["crf"]["totals"]["ecrf"], "379259.27252");
            let sum = total.iter().map(|t| parse_decimal(t).unwrap()).sum::<Decimal>();
            assert_eq!(format_decimal(sum), "379259.27252");
        }

        #[test]
        #[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
        fn ecrf_workbook_reads_back() {
            use covenant_core::ecrf::{SummaryLine, read_workbook};
            let (inv, crf) = villa_serena();
            let files = crf_files(&inv, &crf);
            let bytes = loaded().ecrf_workbook(files, "VS-2019").unwrap();
            assert_eq!(&bytes[..2], b"PK");
            let (wb, findings) = read_workbook(&bytes).unwrap();
            let errors: Vec<_> = findings
                .iter()
                .filter(|f| f.severity() == covenant_core::error::kinds::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(wb.year, Some(2019));
            let total = wb.summary(SummaryLine::TotalEmissions).unwrap();
            let sum = [&total.direct, &total.indirect, &total.outside]
                .iter()
                .filter_map(|e| e.value)
                .sum::<Decimal>();
            assert_eq!(format_decimal(sum), "379259.27252");
            assert!(loaded().ecrf_workbook(files, "nope").unwrap_err().contains("'nope'"));
        }

        #[test]
        #[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
        fn ecrf_import_derives_the_batch_files_and_locates_findings() {
            let (inv, crf) = villa_serena();
            let files = crf_files(&inv, &crf);
            let e = loaded();
            let bytes = e.ecrf_workbook(files, "VS-2019").unwrap();
            let v: serde_json::Value = serde_json::from_str(&e.import_ecrf_books(
                &[("villa-serena.xlsx", &bytes)],
                false,
                None,
            ))
            .unwrap();
            assert_eq!(
                v["books"],
                serde_json::json!([{ "file": "villa-serena.xlsx", "id": "villa-serena" }])
            );
            assert_eq!(v["filled"], serde_json::json!([]));
            let derived = crf_files(
                v["inventories_csv"].as_str().unwrap(),
                v["crf_activity_csv"].as_str().unwrap(),
            );
            let r: serde_json::Value =
                serde_json::from_str(&e.run_batch_with_progress(derived, &mut |_| {})).unwrap();
            assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{}", r["errors"]);
            // The workbook keeps every row's emissions: the same eCRF total.
            assert_eq!(
                r["inventories"][0]["inventory"]["crf"]["totals"]["ecrf"]
                    .as_str()
                    .map(|t| format_decimal(parse_decimal(t).unwrap().normalize())),
                Some("379259.27252".to_string())
            );
            for f in v["findings"].as_array().unwrap() {
                assert!(f["sheet"].is_string() && f["cell"].is_string() && f["code"].is_string());
                assert_eq!(f["file"], "villa-serena.xlsx");
            }
            // Not a workbook: refused with its code and file, the other workbooks imported.
            let v: serde_json::Value = serde_json::from_str(&e.import_ecrf_books(
                &[("a.xlsx", &bytes), ("x.xlsx", b"not a zip"), ("a.xlsx", &bytes)],
                false,
                None,
            ))
            .unwrap();
            assert_eq!(v["unreadable"][0]["code"], "ecrf_not_a_workbook");
            assert_eq!(v["unreadable"][0]["file"], "x.xlsx");
            assert_eq!(v["unreadable"].as_array().unwrap().len(), 1);
            assert_eq!(
                v["books"],
                serde_json::json!([{ "file": "a.xlsx", "id": "a" }, { "file": "a.xlsx", "id": "a-2" }])
            );
        }

        /// The page's eCRF summary is the exported workbook's `eCRF_2`, cell for cell: values,
        /// notation keys, and the cells left empty (the total rows without numbers).
        #[test]
        #[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
        fn crf_summary_is_what_the_ecrf_workbook_has() {
            use covenant_core::ecrf::ScopeLabel;
            let (inv, crf) = villa_serena();
            let files = crf_files(&inv, &crf);
            let e = loaded();
            let r: serde_json::Value =
                serde_json::from_str(&e.run_batch_with_progress(files, &mut |_| {})).unwrap();
            let cells = r["crf_summary"][0][1].as_array().unwrap().clone();
            let bytes = e.ecrf_workbook(files, "VS-2019").unwrap();
            let (wb, _, _) = covenant_core::ecrf::read_located(&bytes).unwrap();
            let mut compared = 0;
            let mut empty_totals = 0;
            for row in &wb.summary {
                for (n, scope) in
                    [(1, ScopeLabel::Direct), (2, ScopeLabel::Indirect), (3, ScopeLabel::Outside)]
                {
                    let given = row.entry(scope);
                    let page = cells.iter().find(|c| c["row"] == row.line.row() && c["scope"] == n);
                    let value = page
                        .and_then(|c| c["value"].as_str())
                        .map(|v| parse_decimal(v).unwrap().normalize());
                    let key = page.and_then(|c| c["keys"][0].as_str());
                    assert_eq!(
                        value,
                        given.value.map(|v| v.normalize()),
                        "row {} scope {n}",
                        row.line.row()
                    );
                    assert_eq!(
                        key,
                        given.key.map(|k| k.code()),
                        "row {} scope {n}",
                        row.line.row()
                    );
                    compared += 1;
                    if row.line.is_total() && page.is_none() {
                        empty_totals += 1;
                    }
                }
            }
            assert_eq!(compared, 31 * 3);
            // Villa Serena's IPPU has NO and NE rows only: its total row is left empty.
            assert!(empty_totals > 0);
        }

        /// Villa Serena's eCRF workbook with the row of GPC reference `gpc` made a gap (its
        /// activity kept, its factors and emissions removed), and that row's emissions before.
        #[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
        fn villa_serena_with_a_gap(gpc: &str) -> (Vec<u8>, rust_decimal::Decimal) {
            let (inv, crf) = villa_serena();
            let files = crf_files(&inv, &crf);
            let bytes = loaded().ecrf_workbook(files, "VS-2019").unwrap();
            let (mut wb, _, _) = covenant_core::ecrf::read_located(&bytes).unwrap();
            let row = wb.detail.iter_mut().find(|r| r.gpc_ref.as_deref() == Some(gpc)).unwrap();
            let before = row.ghg_total.unwrap();
            (row.ef_unit, row.ef_co2, row.ef_ch4, row.ef_n2o, row.ef_co2e, row.ef_source) =
                (None, None, None, None, None, None);
            (row.ghg_co2, row.ghg_ch4, row.ghg_n2o, row.ghg_total) = (None, None, None, None);
            (covenant_core::ecrf::write::write_workbook(&wb).unwrap(), before)
        }

        /// A gap filled: the activity computed with the release's factors, and the difference
        /// it made to the inventory's total.
        #[test]
        #[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
        fn ecrf_import_fills_a_gap_and_reports_the_difference() {
            let e = loaded();
            // The natural gas of households (I.1.1) without its factors and emissions.
            let (gap, n) = villa_serena_with_a_gap("I.1.1");
            assert_eq!(n, parse_decimal("67385.4").unwrap());
            let total = |v: &serde_json::Value| {
                let derived = crf_files(
                    v["inventories_csv"].as_str().unwrap(),
                    v["crf_activity_csv"].as_str().unwrap(),
                );
                let r: serde_json::Value =
                    serde_json::from_str(&e.run_batch_with_progress(derived, &mut |_| {})).unwrap();
                parse_decimal(r["inventories"][0]["inventory"]["total_emissions"].as_str().unwrap())
                    .unwrap()
            };
            let plain: serde_json::Value =
                serde_json::from_str(&e.import_ecrf_books(&[("gap.xlsx", &gap)], false, None))
                    .unwrap();
            assert_eq!(plain["filled"], serde_json::json!([]));
            let codes: Vec<&str> = plain["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap())
                .collect();
            assert!(codes.contains(&"ecrf_activity_without_factor"), "{codes:?}");
            let v: serde_json::Value =
                serde_json::from_str(&e.import_ecrf_books(&[("gap.xlsx", &gap)], true, None))
                    .unwrap();
            let f = &v["filled"][0];
            assert_eq!(
                (f["file"].as_str(), f["id"].as_str(), f["rows"].as_u64()),
                (Some("gap.xlsx"), Some("gap"), Some(1))
            );
            let d = |k: &str| parse_decimal(f[k].as_str().unwrap()).unwrap();
            assert_eq!(d("without"), total(&plain).normalize());
            assert_eq!(d("with"), total(&v).normalize());
            // IPCC 2006's natural gas factors: what the workbook had before its gap.
            assert_eq!(d("added"), n);
            assert_eq!(d("with") - d("without"), d("added"));
        }

        /// A gap in electricity for Chile in 2019, whose grid factors are life-cycle ones only:
        /// refused at its row when filled under IPCC, filled under LCA (as `ecrf import
        /// --fill-factors --approach lca`).
        #[test]
        #[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
        fn ecrf_import_fills_an_electricity_gap_with_the_approach_asked_for() {
            let e = loaded();
            // The residential electricity (I.1.2) without its factor and emissions.
            let (gap, n) = villa_serena_with_a_gap("I.1.2");
            let import = |approach| -> serde_json::Value {
                serde_json::from_str(&e.import_ecrf_books(&[("gap.xlsx", &gap)], true, approach))
                    .unwrap()
            };
            let errors = |v: &serde_json::Value| -> Vec<(String, String)> {
                v["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| f["severity"] == "error")
                    .map(|f| {
                        (f["code"].as_str().unwrap().into(), f["cell"].as_str().unwrap().into())
                    })
                    .collect()
            };
            for approach in [None, Some(Approach::Ipcc)] {
                let v = import(approach);
                assert_eq!(v["filled"], serde_json::json!([]), "{approach:?}");
                let errors = errors(&v);
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert!(errors[0].1.ends_with('3'), "{errors:?}");
            }
            let v = import(Some(Approach::Lca));
            assert_eq!(errors(&v), Vec::new());
            let f = &v["filled"][0];
            assert_eq!((f["id"].as_str(), f["rows"].as_u64()), (Some("gap"), Some(1)));
            // The release's life-cycle grid factor of Chile in 2019: what the workbook had.
            assert_eq!(parse_decimal(f["added"].as_str().unwrap()).unwrap(), n);
            assert!(v["inventories_csv"].as_str().unwrap().contains(",lca,"));
        }

        #[test]
        fn catalog_lists_the_action_kinds() {
            let v: serde_json::Value = serde_json::from_str(&loaded().catalog_json()).unwrap();
            assert_eq!(
                v["action_kinds"],
                serde_json::json!([
                    "energy_saving",
                    "local_renewable",
                    "fuel_switch",
                    "direct_reduction"
                ])
            );
        }

        #[test]
        fn plans_give_their_tables_and_the_reduction_by_sector() {
            let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/golden/valdoro-2012/");
            let read = |f: &str| std::fs::read_to_string(format!("{golden}{f}")).unwrap();
            let (inv, act, acts) =
                (read("inventories.csv"), read("activity.csv"), read("actions.csv"));
            let files = Files {
                inventories: &inv,
                activity: &act,
                actions: Some(&acts),
                ..Files::default()
            };
            let e = loaded();
            let v: serde_json::Value = serde_json::from_str(&e.batch_outputs_json(files)).unwrap();
            let summary = v["summary_csv"].as_str().unwrap();
            assert!(
                summary
                    .lines()
                    .next()
                    .unwrap()
                    .ends_with(",planned_reduction_t,remaining_gap_t,remaining_gap_per_capita_t")
            );
            assert!(summary.ends_with(",7230.15,15484.245,0.737345\n"), "{summary}");
            assert_eq!(v["plan_csv"].as_str().unwrap().lines().count(), 9);
            let r: serde_json::Value =
                serde_json::from_str(&e.run_batch_with_progress(files, &mut |_| {})).unwrap();
            let plan = &r["inventories"][0]["plan"];
            assert_eq!(plan["remaining_gap_t"], "15484.245");
            assert_eq!(plan["actions"][5]["reduction_target_year_t"], "-456");
            let sectors = &r["plan_by_sector"][0];
            assert_eq!(sectors[0], "valdoro-2012");
            // In the template's order; A2 + A3 + A4 = 1,616 + 2,005 + 1,068 t.
            assert_eq!(sectors[1][0], serde_json::json!(["tertiary_buildings", "902.25"]));
            assert_eq!(sectors[1][1], serde_json::json!(["residential_buildings", "4689"]));
            assert_eq!(sectors[1].as_array().unwrap().len(), 6);
            // An empty actions.csv is a batch with plans (the plan's columns are there, empty),
            // as with `covenant batch --actions`.
            let empty = Files { actions: Some(&acts[..=acts.find('\n').unwrap()]), ..files };
            let v: serde_json::Value = serde_json::from_str(&e.batch_outputs_json(empty)).unwrap();
            assert!(v["summary_csv"].as_str().unwrap().ends_with(",,,\n"));
            assert_eq!(v["plan_csv"].as_str().unwrap().lines().count(), 1);
        }

        #[test]
        fn batch_and_rounding() {
            let v: serde_json::Value = serde_json::from_str(&loaded().run_batch(
                "inventory_id,country,year\nA,IT,2010\n",
                "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,100,MWh\n",
                None,
            ))
            .unwrap();
            assert_eq!(v["report"]["inventories"][0]["inventory"]["total_emissions"], "20.2");
            assert!(v["emissions_csv"].as_str().unwrap().ends_with(
                "A,residential_buildings,natural_gas,100,0.202,com-fuels@2024.2 ipcc2006-co2,20.2\n"
            ));
            assert_eq!(round_for_display_str("2.345", 2).unwrap(), "2.35");
            assert_eq!(round_for_display_str("394371.97202", 0).unwrap(), "394372");
            assert!(round_for_display_str("1e3", 2).is_err());
        }
    }
}

/// A JavaScript `Error` named `name` (`FactorsNotLoaded`, `FactorBundleError`), so that a caller
/// can tell the engine's refusals apart from other failures.
fn js_error(name: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    e.into()
}

/// The engine over the loaded factor tables, or the `FactorsNotLoaded` error.
fn engine() -> Result<api::Engine<'static>, JsValue> {
    api::engine().map_err(|e| js_error("FactorsNotLoaded", &e.to_string()))
}

/// Loads the factor tables from the text of `pkg/factors.json`, once per module instance; every
/// function that needs them throws a `FactorsNotLoaded` error before. Throws a
/// `FactorBundleError` if the text is not a valid factor bundle.
#[wasm_bindgen(js_name = loadFactors)]
pub fn load_factors(bundle: &str) -> Result<(), JsValue> {
    use api::{BUNDLE_FORMAT, LoadError};
    use js_sys::{JSON, Reflect};
    // The browser's JSON.parse reads the bundle: the module carries no JSON reader of its own.
    let field = |v: &JsValue, key: &str| Reflect::get(v, &JsValue::from_str(key)).ok();
    api::FACTORS
        .load_with(|| {
            let value = JSON::parse(bundle)
                .map_err(|_| LoadError::NotABundle("the text is not JSON".into()))?;
            let format = field(&value, "format").unwrap_or(JsValue::UNDEFINED);
            if format != BUNDLE_FORMAT {
                let found = JSON::stringify(&format).ok().and_then(|s| s.as_string());
                return Err(LoadError::wrong_format(found.as_deref().unwrap_or("none")));
            }
            let files = field(&value, "files").unwrap_or(JsValue::UNDEFINED);
            api::parse_files(|path| field(&files, path)?.as_string())
        })
        .map_err(|e| js_error("FactorBundleError", &e.to_string()))
}

/// The engine version.
#[wasm_bindgen]
pub fn version() -> String {
    api::version().to_string()
}

/// Factor releases, taxonomy and countries, as a JSON string.
#[wasm_bindgen(js_name = catalog)]
pub fn catalog() -> Result<String, JsValue> {
    Ok(engine()?.catalog_json())
}

/// The national electricity factor for a country and year, as a JSON string.
#[wasm_bindgen(js_name = nationalFactor)]
pub fn national_factor(
    country: &str,
    year: u16,
    approach: &str,
    gases: &str,
    release: &str,
) -> Result<String, JsValue> {
    Ok(engine()?.national_factor_json(country, year, approach, gases, release))
}

/// The texts of a batch's files, as the wrappers below get them from JavaScript.
fn files<'a>(
    inventories: &'a str,
    activity: &'a str,
    factors: Option<&'a str>,
    supply: Option<&'a str>,
    actions: Option<&'a str>,
    crf_activity: Option<&'a str>,
) -> api::Files<'a> {
    api::Files { inventories, activity, factors, supply, actions, crf_activity }
}

/// Runs a batch (the CSV texts; `factors`, `supply`, `actions` and `crf_activity` may be
/// undefined), as a JSON string.
#[wasm_bindgen(js_name = runBatch)]
pub fn run_batch(
    inventories: &str,
    activity: &str,
    factors: Option<String>,
    supply: Option<String>,
    actions: Option<String>,
    crf_activity: Option<String>,
) -> Result<String, JsValue> {
    let f = files(
        inventories,
        activity,
        factors.as_deref(),
        supply.as_deref(),
        actions.as_deref(),
        crf_activity.as_deref(),
    );
    Ok(engine()?.run_batch_files(f))
}

#[wasm_bindgen]
extern "C" {
    /// A JavaScript function called with one number (rows read so far).
    pub type ProgressCallback;
    #[wasm_bindgen(method, js_name = call)]
    fn call_with(this: &ProgressCallback, context: &JsValue, rows: u32);
}

/// [`run_batch`] without the CSV texts, calling `progress(rows)` while `activity` is read.
#[wasm_bindgen(js_name = runBatchWithProgress)]
pub fn run_batch_with_progress(
    inventories: &str,
    activity: &str,
    factors: Option<String>,
    supply: Option<String>,
    progress: &ProgressCallback,
    actions: Option<String>,
    crf_activity: Option<String>,
) -> Result<String, JsValue> {
    let f = files(
        inventories,
        activity,
        factors.as_deref(),
        supply.as_deref(),
        actions.as_deref(),
        crf_activity.as_deref(),
    );
    Ok(engine()?.run_batch_with_progress(f, &mut |rows| {
        progress.call_with(&JsValue::NULL, u32::try_from(rows).unwrap_or(u32::MAX));
    }))
}

/// The output files of `covenant batch` (emissions, summary, trajectory, crf, errors), as JSON.
#[wasm_bindgen(js_name = batchOutputs)]
pub fn batch_outputs(
    inventories: &str,
    activity: &str,
    factors: Option<String>,
    supply: Option<String>,
    actions: Option<String>,
    crf_activity: Option<String>,
) -> Result<String, JsValue> {
    let f = files(
        inventories,
        activity,
        factors.as_deref(),
        supply.as_deref(),
        actions.as_deref(),
        crf_activity.as_deref(),
    );
    Ok(engine()?.batch_outputs_json(f))
}

/// The XLSX workbook of one inventory of a batch, as bytes (a `Uint8Array` in JS).
#[cfg(feature = "xlsx")]
#[wasm_bindgen(js_name = xlsxWorkbook)]
pub fn xlsx_workbook(
    inventories: &str,
    activity: &str,
    factors: Option<String>,
    supply: Option<String>,
    id: &str,
    actions: Option<String>,
    crf_activity: Option<String>,
) -> Result<Vec<u8>, JsValue> {
    let f = files(
        inventories,
        activity,
        factors.as_deref(),
        supply.as_deref(),
        actions.as_deref(),
        crf_activity.as_deref(),
    );
    engine()?.xlsx_workbook(f, id).map_err(|e| JsError::new(&e).into())
}

/// The eCRF workbook of one inventory of a batch, as bytes (a `Uint8Array` in JS).
#[cfg(feature = "xlsx")]
#[wasm_bindgen(js_name = ecrfWorkbook)]
pub fn ecrf_workbook(
    inventories: &str,
    activity: &str,
    factors: Option<String>,
    supply: Option<String>,
    id: &str,
    actions: Option<String>,
    crf_activity: Option<String>,
) -> Result<Vec<u8>, JsValue> {
    let f = files(
        inventories,
        activity,
        factors.as_deref(),
        supply.as_deref(),
        actions.as_deref(),
        crf_activity.as_deref(),
    );
    engine()?.ecrf_workbook(f, id).map_err(|e| JsError::new(&e).into())
}

/// Imports eCRF workbooks (their file names, and their bytes as `Uint8Array`s in the same
/// order), as JSON: see [`api::Engine::import_ecrf_books`]. `approach` is an approach code
/// (`ipcc`, `lca`), or empty for the batch format's default.
#[cfg(feature = "ecrf-read")]
#[wasm_bindgen(js_name = importEcrf)]
pub fn import_ecrf(
    files: Vec<String>,
    bytes: js_sys::Array,
    fill_factors: bool,
    approach: &str,
) -> Result<String, JsValue> {
    let approach = match approach.trim() {
        "" => None,
        code => Some(
            covenant_core::Approach::parse_code(code)
                .map_err(|e| JsError::new(&format!("importEcrf: {e}")))?,
        ),
    };
    let data: Vec<Vec<u8>> = bytes.iter().map(|b| js_sys::Uint8Array::new(&b).to_vec()).collect();
    if data.len() != files.len() {
        return Err(JsError::new("importEcrf: one name per workbook").into());
    }
    let books: Vec<(&str, &[u8])> =
        files.iter().map(String::as_str).zip(data.iter().map(Vec::as_slice)).collect();
    Ok(engine()?.import_ecrf_books(&books, fill_factors, approach))
}

/// Rounds a decimal string for display (half away from zero).
#[wasm_bindgen(js_name = roundForDisplay)]
pub fn round_for_display(value: &str, dp: u32) -> Result<String, JsError> {
    api::round_for_display_str(value, dp).map_err(|e| JsError::new(&e))
}
