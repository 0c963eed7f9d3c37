//! Criterion benchmark of the engine on a synthetic batch held in memory: `batch::run` against
//! merely parsing the same CSV bytes with the csv crate, and the output writers.
//! The whole-process figures (1M rows, peak RSS, pandas) come from `whole_process.py`.

use std::hint::black_box;

use covenant_cli::synth;
use covenant_core::batch::{self, BatchInput};
use covenant_core::factors::Catalog;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn parse_only(bytes: &[u8]) -> u64 {
    let mut rdr = csv::Reader::from_reader(bytes);
    let mut rec = csv::StringRecord::new();
    let mut n = 0;
    while rdr.read_record(&mut rec).unwrap() {
        n += rec.len() as u64;
    }
    n
}

fn bench(c: &mut Criterion) {
    let (inventories, rows) = (1_000, 100);
    let mut activity = Vec::new();
    let b = synth::generate(inventories, rows, 1, &mut activity).unwrap();
    let catalog = Catalog::embedded();
    let mut g = c.benchmark_group(format!("batch {inventories}x{rows}"));
    g.sample_size(20);
    g.throughput(Throughput::Elements((inventories * rows) as u64));
    g.bench_function("csv parse only", |bench| {
        bench.iter(|| {
            parse_only(black_box(b.inventories.as_bytes()))
                + parse_only(black_box(&activity))
                + parse_only(black_box(b.factors.as_bytes()))
        });
    });
    let input = || BatchInput {
        inventories: ("i", black_box(b.inventories.as_bytes())),
        activity: ("a", black_box(&activity[..])),
        factors: Some(("f", black_box(b.factors.as_bytes()))),
        supply: None,
        actions: None,
        crf_activity: None,
    };
    g.bench_function("covenant batch::run", |bench| {
        bench.iter(|| {
            let out = batch::run(input(), catalog);
            assert!(out.errors.is_empty());
            out
        });
    });
    // As the CLI runs it for CSV output: two threads, no cell detail.
    let options = batch::Options { cell_detail: false, threads: 2 };
    g.bench_function("covenant batch::run_with (2 threads, as the CLI)", |bench| {
        bench.iter(|| {
            let out = batch::run_with(input(), catalog, options, &mut |_| {});
            assert!(out.errors.is_empty());
            out
        });
    });
    let out = batch::run(input(), catalog);
    g.bench_function("write emissions.csv + summary.csv", |bench| {
        bench.iter(|| {
            let mut buf = Vec::with_capacity(1 << 22);
            batch::write_emissions(&mut buf, black_box(&out.inventories)).unwrap();
            batch::write_summary(&mut buf, black_box(&out.inventories)).unwrap();
            buf.len()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
