//! The bytes the program holds on the heap, counted as they are allocated and freed, and the
//! most it ever held. Wasm memory only grows, so beside its size these tell what is held now,
//! what was held at the worst moment, and (the rest) what the allocator could not reuse. Built
//! only with the `heap-count` feature, for `bench_long_session` (RELIABILITY.md, "Long sessions:
//! memory"), which reads them from the page as `heldBytes()` and `peakHeldBytes()`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use wasm_bindgen::prelude::wasm_bindgen;

struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let held = HELD.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(held, Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only the count is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Both blocks are held while the contents move.
        grew(new_size);
        HELD.fetch_sub(layout.size(), Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The bytes allocated and not yet freed.
#[wasm_bindgen(js_name = heldBytes)]
pub fn held_bytes() -> f64 {
    HELD.load(Relaxed) as f64
}

/// The most bytes ever held at once.
#[wasm_bindgen(js_name = peakHeldBytes)]
pub fn peak_held_bytes() -> f64 {
    PEAK.load(Relaxed) as f64
}
