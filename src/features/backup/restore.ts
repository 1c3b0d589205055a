// `wenyuan restore <dir> [--force]`: puts a verified backup in place of the configured site (stopped), into an empty
// database and store unless --force, then verifies the restored site against the backup's manifest.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resetPostgres, restorePostgres, restoreSqlite } from '../../db/snapshot.ts';
import type { Deps } from '../../deps.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { blobFile, databaseHasContent, eachLimit, OperationError, verifyBackupFiles } from './backup.ts';
import { type SiteFacts, siteFacts } from './facts.ts';
import { readManifest } from './manifest.ts';

/** What a restore did, as the CLI prints it. */
export interface RestoreSummary {
  readonly dir: string;
  readonly dialect: 'sqlite' | 'postgres';
  readonly blobs: { stored: number; present: number };
  readonly secrets: number;
  readonly facts: SiteFacts;
}

/** Opens the configured site (the CLI's `open`): migrated unless told not to. */
export type OpenSite = (opts?: { migrate?: boolean }) => Promise<{ deps: Deps; close(): Promise<void> }>;

/**
 * Whether the target already holds a site: database content or any blob. (Keys in DATA_DIR do not count: opening an
 * empty site generates them, and they seal nothing until the database has content; restore replaces them.)
 */
async function targetInUse(deps: Deps): Promise<string[]> {
  const found: string[] = [];
  if (await databaseHasContent(deps)) found.push('the database has users, documents or ledger entries');
  for await (const _ of deps.blobs.list()) {
    found.push('the blob store is not empty');
    break;
  }
  return found;
}

/** Restores the backup in `dir` into the configured database, store and DATA_DIR, and verifies the result. */
export async function restoreBackup(
  open: OpenSite,
  dir: string,
  opts: { force?: boolean } = {},
): Promise<RestoreSummary> {
  const manifest = await readManifest(dir);
  await verifyBackupFiles(dir, manifest);

  // The target as it is (not migrated: an empty database stays empty).
  const target = await open({ migrate: false });
  const { config } = target.deps;
  try {
    if (config.database.dialect !== manifest.dialect)
      throw new OperationError(
        `the backup is of a ${manifest.dialect} site and DATABASE_URL is ${config.database.dialect}: restore into the same kind of database`,
      );
    const inUse = await targetInUse(target.deps);
    if (inUse.length && !opts.force)
      throw new OperationError(`the target is not empty (${inUse.join('; ')}): restore refuses unless --force`);
  } finally {
    await target.close();
  }

  // 1. The database (with the site stopped: nothing else may hold it open).
  const file = join(dir, manifest.database.name);
  if (manifest.dialect === 'sqlite') restoreSqlite(config.database.url, file);
  else {
    await resetPostgres(config.database.url);
    await restorePostgres(config.database.url, file);
  }
  // 2. Generated keys (the PII keys open the restored real-name data).
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  for (const s of manifest.secrets) {
    writeFileSync(join(config.dataDir, s.name), readFileSync(join(dir, 'secrets', s.name)), { mode: 0o600 });
  }

  // 3. Blobs, then everything verified against the manifest.
  const site = await open({ migrate: true });
  try {
    const { deps } = site;
    let stored = 0;
    let present = 0;
    await eachLimit(manifest.blobs, 4, async (b) => {
      const key = parseBlobKey(b.key);
      if ((await deps.blobs.size(key)) === b.size) {
        present++;
        return;
      }
      const tmp = deps.blobs.tempPath('restore');
      copyFileSync(blobFile(dir, b.key), tmp);
      await deps.blobs.putFile(tmp, key);
      stored++;
    });
    await eachLimit(manifest.blobs, 4, async (b) => {
      const hash = createHash('sha256');
      for await (const chunk of deps.blobs.read(parseBlobKey(b.key))) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== b.sha256) throw new OperationError(`blob ${b.key} reads back wrong from the store`);
    });
    const { facts, report } = await siteFacts(deps);
    if (!report.ok)
      throw new OperationError(`ledger verify failed on the restored site: ${JSON.stringify(facts.ledger)}`);
    const want = JSON.stringify({ ...manifest.facts });
    if (JSON.stringify(facts) !== want)
      throw new OperationError(`the restored site differs from the backup: ${JSON.stringify(facts)} ≠ ${want}`);
    return {
      dir,
      dialect: manifest.dialect,
      blobs: { stored, present },
      secrets: manifest.secrets.length,
      facts,
    };
  } finally {
    await site.close();
  }
}
