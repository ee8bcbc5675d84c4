//! Refused: an `Rc` cloned into another thread. `Rc` counts its owners with a plain, non-atomic
//! integer; two threads cloning and dropping it at once would lose counts and free the value
//! too early. `Rc` is not `Send`, so it cannot cross to another thread (error E0277).

use std::rc::Rc;

fn main() {
    let shared = Rc::new(String::from("shared"));
    let for_the_thread = Rc::clone(&shared);
    let handle = std::thread::spawn(move || for_the_thread.len());
    println!("{} {}", shared, handle.join().unwrap());
}
