//! Mapping over items on several threads, the results in the items' order.

/// `f` applied to each item with its index, on up to `threads` threads (one contiguous part of
/// the items each), the results in the items' order. One thread, or WebAssembly in the browser,
/// maps them in turn.
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
    let mut parts = std::iter::from_fn(|| {
        Some(items.by_ref().take(size).collect::<Vec<I>>()).filter(|p| !p.is_empty())
    });
    let first = parts.next().unwrap_or_default();
    let f = &f;
    let map = move |start: usize, part: Vec<I>| -> Vec<T> {
        part.into_iter().enumerate().map(|(k, x)| f(start + k, x)).collect()
    };
    std::thread::scope(|s| {
        let others: Vec<_> =
            parts.enumerate().map(|(k, part)| s.spawn(move || map((k + 1) * size, part))).collect();
        let mut out = map(0, first);
        for h in others {
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}
