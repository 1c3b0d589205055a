import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { insertUser } from './users.ts';

/** The slice of dependencies the credits services use, over a test database (no HTTP, no ports). */
export type CreditsDeps = Pick<Deps, 'database' | 'config' | 'log' | 'downloadUrlSecret'>;

/** Builds credits dependencies over an open test database. */
export function creditsDeps(database: Database, env: Record<string, string> = {}): CreditsDeps {
  const config = loadConfig({ DATA_DIR: '/tmp/wy-unused', DATABASE_URL: 'sqlite::memory:', ...env });
  return { database, config, log: pino({ level: 'silent' }), downloadUrlSecret: 'test-secret' };
}

/** Inserts a user directly (no password hashing: these users never log in). */
export function insertTestUser(database: Database, name = '测试用户', opts: { verified?: boolean } = {}) {
  return insertUser(database.db, { display_name: name, real_name_verified: opts.verified ? 1 : 0 });
}

/** Inserts a published document directly (the pipeline is tested elsewhere). */
export async function insertTestDocument(
  database: Database,
  ownerId: number,
  opts: { price?: number; blobKey?: string; status?: 'published' | 'deleted' } = {},
) {
  const now = Date.now();
  const cat = await database.db.selectFrom('categories').select('id').executeTakeFirstOrThrow();
  const row = await database.db
    .insertInto('documents')
    .values({
      owner_id: ownerId,
      category_id: cat.id,
      title: `测试文档 ${randomBytes(3).toString('hex')}`,
      title_auto: 0,
      description: '',
      format: 'txt',
      original_name: 'a.txt',
      blob_key: opts.blobKey ?? `doc/${randomBytes(32).toString('hex')}`,
      size_bytes: 10,
      price: opts.price ?? 10,
      status: opts.status ?? 'published',
      reject_code: null,
      reject_params: null,
      page_count: 1,
      char_count: 10,
      preview_mode: null,
      preview_value: null,
      download_count: 0,
      rev: 1,
      created_at: now,
      updated_at: now,
      extracted_at: now,
      published_at: now,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
