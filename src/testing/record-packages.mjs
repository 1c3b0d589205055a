// `node --import ./src/testing/record-packages.mjs …`: appends the name of every package the process resolves (once
// each) to the file RECORD_PACKAGES_FILE names. Used by start-packages.test.ts to see what a process loads at start.
import { register } from 'node:module';

register('./record-packages-hooks.mjs', import.meta.url, { data: { file: process.env.RECORD_PACKAGES_FILE } });
