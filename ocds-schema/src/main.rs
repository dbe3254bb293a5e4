//! The `ocds` command: compile, validate, summarise and merge OCDS data.

mod cli;

/// mimalloc: the merge allocates many small maps, and glibc malloc dominated the profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same in mimalloc 2 and 3; `libmimalloc-sys`
/// builds 3 and does not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    cli::main()
}

/// A command runs once and exits, so memory it frees is kept for reuse rather than given back
/// to the system after a second. Given back, it was faulted in and zeroed again (in huge pages)
/// when the next document was parsed: `ocds validate` spent from 0.05 s to 0.9 s of its 0.7 s
/// of work in the kernel, run to run.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: mi_option_set only stores a number in mimalloc's option table; -1 means "never
    // purge", a documented value, and this runs before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    /// The option set by [`super::keep_freed_memory`] is the purge delay: its default in
    /// mimalloc 3 is 1,000 ms.
    #[test]
    #[allow(unsafe_code)]
    fn the_purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads a number from mimalloc's option table.
            let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
            assert_eq!(delay, 1000);
        }
    }
}
