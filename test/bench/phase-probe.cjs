// Loaded with -r: where a CLI run's time goes, from the process's own clock (performance.now()
// counts from its start). Prints at exit: when Node was ready to run user code, when the last
// CommonJS file finished loading (the subcommand's code), the first write to stdout, and exit.
const Module = require('node:module');
const ready = performance.now();
let loaded = ready;
let firstWrite = Number.NaN;
const compile = Module.prototype._compile;
Module.prototype._compile = function (...args) {
  const result = compile.apply(this, args);
  loaded = performance.now();
  return result;
};
const write = process.stdout.write;
process.stdout.write = function (...args) {
  if (Number.isNaN(firstWrite)) firstWrite = performance.now();
  return write.apply(this, args);
};
process.on('exit', () => {
  process.stderr.write(`phases=${[ready, loaded, firstWrite, performance.now()].map((t) => t.toFixed(2)).join(',')}\n`);
});
