//! Figures shared by every benchmark: percentiles, rounding, a process's memory.

/// Latency percentiles of a set of samples, in milliseconds.
pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let idx = ((sorted_ms.len() as f64 - 1.0) * p).round() as usize;
    sorted_ms[idx.min(sorted_ms.len() - 1)]
}

/// Rounds for the JSON line.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// A figure of `/proc/<pid>/status` (`VmHWM:` peak, `VmRSS:` now), in MiB.
pub fn proc_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A command that runs this program again, under the profiler the environment variable `var`
/// names when it is set (e.g. `heaptrack -o /tmp/serve`; docs/performance.md).
pub fn this_program_under(var: &str) -> std::io::Result<std::process::Command> {
    let wrapper = std::env::var(var).unwrap_or_default();
    let mut words = wrapper.split_whitespace();
    Ok(match words.next() {
        Some(program) => {
            let mut c = std::process::Command::new(program);
            c.args(words).arg(std::env::current_exe()?);
            c
        }
        None => std::process::Command::new(std::env::current_exe()?),
    })
}

/// Samples the heap's share of resident memory (`RssAnon`) and the mapped files' (`RssFile`)
/// every 5 ms on a thread of its own, keeping the highest of each: the kernel keeps no peak per
/// kind.
pub struct Sampler {
    sampling: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<(f64, f64)>,
}

impl Sampler {
    /// Samples this process.
    pub fn start() -> Sampler {
        Sampler::of(std::process::id())
    }

    /// Samples another process (a server the benchmark started).
    pub fn of(pid: u32) -> Sampler {
        let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let on = sampling.clone();
        let thread = std::thread::spawn(move || {
            let (mut anon, mut file) = (0f64, 0f64);
            while on.load(std::sync::atomic::Ordering::Relaxed) {
                anon = anon.max(proc_mib(pid, "RssAnon:"));
                file = file.max(proc_mib(pid, "RssFile:"));
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            (anon, file)
        });
        Sampler { sampling, thread }
    }

    /// Stops sampling: the peaks of the heap and of the mapped files, in MiB.
    pub fn stop(self) -> anyhow::Result<(f64, f64)> {
        self.sampling.store(false, std::sync::atomic::Ordering::Relaxed);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the memory sampler failed"))
    }
}
