// Run by evcxr once when a "Rust (gankit)" kernel starts (kernel/launch sets EVCXR_CONFIG_DIR
// to this folder). It replaces Rust's panic report: evcxr runs cells with RUST_BACKTRACE=1, so a
// panic printed the message and then a backtrace of the kernel's own frames (run_user_code_N,
// evcxr::runtime, evcxr_jupyter::main). This report says what panicked and where in the cell:
//
//     panicked at line 2 of the cell: println!("last loss {}", losses[3]);
//     index out of bounds: the len is 0 but the index is 3
//
// A panic inside a library (gankit, tch) names the library function the cell called and the
// library's own file and line. The first line always holds "panicked at" (kernel/nbrun.py looks
// for it), the second the message.
std::panic::set_hook(Box::new(|info: &std::panic::PanicHookInfo<'_>| {
    use std::io::Write;
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_string());
    // A libtorch error carries its C++ stack (hundreds of frames, the kernel's among them)
    // after its one-line message: keep the message.
    let message = match message.find("Exception raised from") {
        Some(i) => format!(
            "{} … (libtorch's C++ stack left out)",
            message[..i].trim_end().trim_end_matches("\\n")
        ),
        None => message,
    };
    // The cell's own code is compiled from `$EVCXR_TMPDIR/src/lib.rs`, where evcxr copies it
    // verbatim between lines it generates (which mention evcxr, or open the final expression).
    let cell_line = |line: u32| -> Option<(Option<usize>, String)> {
        let dir = std::env::var_os("EVCXR_TMPDIR")?;
        let text = std::fs::read_to_string(std::path::Path::new(&dir).join("src/lib.rs")).ok()?;
        let lines: Vec<&str> = text.lines().collect();
        let at = (line as usize).checked_sub(1).filter(|&i| i < lines.len())?;
        let quoted = lines[at].trim().to_string();
        // An item the cell defined (a `fn`) lies outside the function that runs the cell.
        let Some(start) = (0..at).rev().find(|&i| lines[i].contains("run_user_code_")) else {
            return Some((None, quoted));
        };
        let start = (start..at)
            .rev()
            .find(|&i| lines[i].contains("EvcxrUserCodeError") || lines[i].contains("AssertUnwindSafe"))
            .unwrap_or(start);
        let generated = |l: &str| l.contains("evcxr_") || l.contains("EVCXR") || l.trim() == "(";
        let k = lines[start + 1..=at].iter().filter(|l| !generated(l)).count();
        Some(((k > 0 && !generated(lines[at])).then_some(k), quoted))
    };
    let mut report = String::new();
    match info.location() {
        Some(loc) if loc.file() == "src/lib.rs" => match cell_line(loc.line()) {
            Some((Some(k), code)) => report += &format!("panicked at line {k} of the cell: {code}"),
            Some((None, code)) => report += &format!("panicked in the cell, at: {code}"),
            None => report += "panicked in the cell",
        },
        Some(loc) => {
            // The library function the cell called: the outermost frame before the cell's own.
            let trace = std::backtrace::Backtrace::force_capture().to_string();
            let frames: Vec<&str> = trace
                .lines()
                .filter_map(|l| l.trim().split_once(": ").map(|(_, f)| f.trim()))
                .filter(|f| !f.contains("{{closure}}"))
                .collect();
            let cell = frames.iter().position(|f| f.starts_with("ctx::") || f.starts_with("run_user_code_"));
            let called = cell.and_then(|c| {
                frames[..c].iter().rev().find(|f| {
                    !f.starts_with("std::") && !f.starts_with("core::") && !f.starts_with("__")
                        && !f.starts_with("alloc::") && !f.contains("rust_begin_unwind")
                })
            });
            report += &format!("panicked at {}:{}:{}", loc.file(), loc.line(), loc.column());
            if let Some(f) = called {
                report += &format!(" (in {f}, called by the cell)");
            }
        }
        None => report += "panicked",
    }
    let _ = writeln!(std::io::stderr().lock(), "{report}\n{message}");
}));
