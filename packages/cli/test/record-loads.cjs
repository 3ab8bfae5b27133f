// Preloaded with `node --require` into a real `agentforge` process: at exit, writes what the
// process loaded to the file named by AGENTFORGE_LOAD_LOG, as JSON — the files required (the
// binary's two bundles, external packages) and whether zod was initialised (zod keeps its
// settings on globalThis, which tells a bundled copy's start too).
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(
    process.env.AGENTFORGE_LOAD_LOG,
    JSON.stringify({
      files: Object.keys(require.cache),
      zod: globalThis.__zod_globalConfig !== undefined,
    }),
  );
});
