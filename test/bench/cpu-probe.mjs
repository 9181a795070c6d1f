// Loaded with --import: prints the process's own CPU time (user + system, since it started) at exit.
process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`cpu_us=${u.user + u.system}\n`); });
