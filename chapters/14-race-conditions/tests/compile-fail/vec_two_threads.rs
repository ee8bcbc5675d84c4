//! Refused: two threads push to one `Vec` with no lock. Each closure borrows `log` mutably, and
//! Rust allows one `&mut` at a time — so the data race cannot be written (error E0499).

fn main() {
    let mut log = Vec::new();
    std::thread::scope(|s| {
        s.spawn(|| log.push("from thread 1"));
        s.spawn(|| log.push("from thread 2"));
    });
    println!("{log:?}");
}
