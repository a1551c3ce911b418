//! Returning freed heap memory to the system. glibc's allocator gives each
//! thread its own arena and keeps what is freed there for later use by
//! that arena's threads; memory freed by one pool of threads (the loader's
//! workers) is never reused by another (rayon's), so replacing every raw
//! chunk after a load would otherwise leave the old chunks' pages resident
//! beside the new ones.

/// Hands the free pages of every arena back to the system (glibc's
/// `malloc_trim`); does nothing on other platforms and allocators, whose
/// allocators return memory by themselves or are not known here.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it
    // takes no pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
