//! The factor files under `factors/`, embedded at build time so that every build (the browser
//! included) works offline. `factors/` is reached through the `factors` link in this crate's
//! folder, so `cargo package` ships the data with the crate.

/// Every embedded file: its path relative to `factors/` and its text.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("com-fuels/2024.1/factors.csv", include_str!("../factors/com-fuels/2024.1/factors.csv")),
    ("com-fuels/2024.1/sources.csv", include_str!("../factors/com-fuels/2024.1/sources.csv")),
    ("com-fuels/2024.2/factors.csv", include_str!("../factors/com-fuels/2024.2/factors.csv")),
    ("com-fuels/2024.2/sources.csv", include_str!("../factors/com-fuels/2024.2/sources.csv")),
    (
        "fuel-properties/2024.1/properties.csv",
        include_str!("../factors/fuel-properties/2024.1/properties.csv"),
    ),
    (
        "fuel-properties/2024.1/sources.csv",
        include_str!("../factors/fuel-properties/2024.1/sources.csv"),
    ),
    ("gwp/2024.1/gwp.csv", include_str!("../factors/gwp/2024.1/gwp.csv")),
    ("gwp/2024.1/sources.csv", include_str!("../factors/gwp/2024.1/sources.csv")),
    ("ipcc2006-gases/2024.1/gases.csv", include_str!("../factors/ipcc2006-gases/2024.1/gases.csv")),
    (
        "ipcc2006-gases/2024.1/sources.csv",
        include_str!("../factors/ipcc2006-gases/2024.1/sources.csv"),
    ),
    ("jrc-neefe/2024.1/factors.csv", include_str!("../factors/jrc-neefe/2024.1/factors.csv")),
    ("jrc-neefe/2024.1/sources.csv", include_str!("../factors/jrc-neefe/2024.1/sources.csv")),
    ("partner-grid/2025.1/factors.csv", include_str!("../factors/partner-grid/2025.1/factors.csv")),
    ("partner-grid/2025.1/sources.csv", include_str!("../factors/partner-grid/2025.1/sources.csv")),
    ("partner-grid/2026.1/factors.csv", include_str!("../factors/partner-grid/2026.1/factors.csv")),
    ("partner-grid/2026.1/sources.csv", include_str!("../factors/partner-grid/2026.1/sources.csv")),
    ("partner-grid/2026.2/factors.csv", include_str!("../factors/partner-grid/2026.2/factors.csv")),
    ("partner-grid/2026.2/sources.csv", include_str!("../factors/partner-grid/2026.2/sources.csv")),
    ("releases.csv", include_str!("../factors/releases.csv")),
];

/// The text of an embedded file.
pub(crate) fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, text)| *text)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used, reason = "a test")]
mod tests {
    use std::path::Path;

    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else if p.extension().is_some_and(|e| e == "csv")
                // Alternative series kept for reference (see the set's SOURCE.md); the engine
                // does not read them.
                && p.file_name().is_some_and(|n| n != "alternatives.csv")
            {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn every_factor_file_is_embedded() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("factors");
        let mut on_disk = Vec::new();
        walk(&base, &base, &mut on_disk);
        on_disk.sort();
        let embedded: Vec<_> = super::FILES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(
            on_disk, embedded,
            "factors/ and embedded.rs disagree: add the new file to FILES"
        );
    }

    #[test]
    fn every_set_revision_has_a_source_note() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("factors");
        for (p, _) in super::FILES {
            if let Some((dir, _)) = p.rsplit_once('/') {
                assert!(base.join(dir).join("SOURCE.md").is_file(), "{dir}/SOURCE.md is missing");
            }
        }
    }
}
