fn main() {
    use covenant_core::batch::BatchInventory;
    eprintln!(
        "{} {}",
        std::mem::size_of::<BatchInventory>(),
        std::mem::size_of::<Option<BatchInventory>>()
    );
}
