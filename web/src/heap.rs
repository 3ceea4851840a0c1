//! The bytes the program holds on the heap, counted as they are allocated and freed. Wasm
//! memory only grows (its size is the allocator's high-water mark), so beside it this tells what
//! is held from what was held once and not given back. Built only with the `heap-count` feature,
//! for `bench_long_session` (RELIABILITY.md, "Long sessions: memory"), which reads it from the
//! page as `heldBytes()`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use wasm_bindgen::prelude::wasm_bindgen;

struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only the count is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size(), Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        HELD.fetch_add(new_size, Relaxed);
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
