#!/usr/bin/env node
// Thin launcher into the compiled CLI (built by `npm install` through the `prepare` script).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('ocpp-sim is not built yet: run `npm install` (or `npm run build`) in its folder.');
    process.exit(2);
  }
  throw err;
});
