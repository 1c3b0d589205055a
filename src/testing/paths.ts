import { fileURLToPath } from 'node:url';

/** The shared, read-only corpus and seed beside the repository (never copied into it). */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const SEED_DOCX = `${SHARED_DIR}seed/seed-speech.docx`;
export const SEED_TXT = `${SHARED_DIR}seed/seed-speech.txt`;
export const CORPUS_DIR = `${SHARED_DIR}corpus/`;
