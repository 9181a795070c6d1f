// The entry of dist/cli/undici.cjs: undici as one sibling bundle the CLI's subcommands require
// only when they go to the network (see build/bundle.mjs).
module.exports = require('undici');
