// Loaded with `node --import` by the bench: reports the process's peak memory on exit.
process.on('exit', () => process.stderr.write(`\nmaxrss=${process.resourceUsage().maxRSS}\n`));
