use pyo3::prelude::*;

/// Adds two numbers on a worker thread, so the extension really uses libc and pthreads.
#[pyfunction]
fn add(a: i64, b: i64) -> PyResult<i64> {
    std::thread::spawn(move || a + b)
        .join()
        .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("worker thread panicked"))
}

/// Catches a Rust panic and reports it, which exercises the unwinder zig links in.
#[pyfunction]
fn survives_panic() -> bool {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {})); // the panic is expected; keep stderr quiet
    let caught = std::panic::catch_unwind(|| panic!("expected")).is_err();
    std::panic::set_hook(default_hook);
    caught
}

#[pymodule]
fn pyo3_hello(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add, m)?)?;
    m.add_function(wrap_pyfunction!(survives_panic, m)?)?;
    Ok(())
}
