// Preloaded into the Azurite process a test starts: it exits when the test process is gone, even killed outright.
// The test holds the write end of this process's stdin; the OS closes it when the test process dies, however it dies.
// A poll of the parent's pid covers a parent that handed its stdin on (and is cheap: one signal-0 a second).
// The temporary folder goes with it: nobody else will remove it.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload run by plain node */
/* global setInterval -- plain node */
const fs = require('node:fs');

const parent = Number(process.env.AZURITE_PARENT_PID);
const folder = process.env.AZURITE_FOLDER;

function orphaned() {
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
  process.exit(0);
}

process.stdin.on('end', orphaned);
process.stdin.on('error', orphaned);
process.stdin.resume();
if (Number.isInteger(parent) && parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      orphaned();
    }
  }, 1000).unref();
}
