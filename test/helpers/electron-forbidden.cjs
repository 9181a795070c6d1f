// Preloaded (node --require) into a run of the app's bundled entry under plain Node: any
// require('electron') fails loudly, so a test proves a code path loads nothing of the app.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'electron') throw new Error('electron was loaded');
  return load.call(this, request, ...rest);
};
