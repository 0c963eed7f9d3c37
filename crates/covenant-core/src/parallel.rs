//! Mapping over items on several threads, the results in the items' order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// `f` applied to each item with its index, on up to `threads` threads, the results in the
/// items' order. The items are cut into `threads` contiguous parts; the calling thread and every
/// thread the system grants take the next part until none is left, so a refused thread (a
/// process limit, `--threads` above it) only means fewer threads, never a failure. One thread,
/// or WebAssembly in the browser, maps the items in turn.
pub(crate) fn par_map<I: Send, T: Send>(
    items: Vec<I>,
    threads: usize,
    f: impl Fn(usize, I) -> T + Sync,
) -> Vec<T> {
    let n = items.len();
    if threads < 2 || n < 2 || cfg!(target_family = "wasm") {
        return items.into_iter().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    let size = n.div_ceil(threads.min(n));
    let mut items = items.into_iter();
    let parts: Vec<Mutex<Option<Vec<I>>>> = std::iter::from_fn(|| {
        Some(items.by_ref().take(size).collect::<Vec<I>>()).filter(|p| !p.is_empty())
    })
    .map(|p| Mutex::new(Some(p)))
    .collect();
    let next = AtomicUsize::new(0);
    let (f, parts, next) = (&f, &parts, &next);
    // Takes parts until none is left: (part number, results).
    let work = move || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = parts.get(k) else { break };
            let part = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(part) = part {
                let start = k.saturating_mul(size);
                done.push((
                    k,
                    part.into_iter().enumerate().map(|(j, x)| f(start + j, x)).collect(),
                ));
            }
        }
        done
    };
    let mut results: Vec<Option<Vec<T>>> = parts.iter().map(|_| None).collect();
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..parts.len())
            .map_while(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mut place = |done: Vec<(usize, Vec<T>)>| {
            for (k, r) in done {
                results[k] = Some(r);
            }
        };
        place(work());
        for h in helpers {
            place(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
    });
    // Every part was taken exactly once (by the counter), so every slot is filled.
    results.into_iter().flatten().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_for_any_number_of_threads() {
        let items: Vec<u32> = (0..1000).collect();
        let expected: Vec<(usize, u32)> = items.iter().map(|&x| (x as usize, x * 2)).collect();
        for threads in [1, 2, 3, 7, 64, 999, 1000, 5000] {
            assert_eq!(par_map(items.clone(), threads, |i, x| (i, x * 2)), expected, "{threads}");
        }
    }
}
