import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import type { SessionUser } from '../accounts/service.ts';
import { findSimilarDocument } from '../documents/dedup.ts';
import { ACCOUNTS, accounts, InsufficientBalance, inTransaction, post } from './ledger.ts';
import * as repo from './repo.ts';

/** Operator-configurable reward amounts, in credits (分). */
export interface RewardSettings {
  readonly signin: number;
  readonly firstUpload: number;
}

const DEFAULTS: RewardSettings = { signin: 10, firstUpload: 100 };
const KEYS = { signin: 'credits.rewardSignin', firstUpload: 'credits.rewardFirstUpload' } as const;
const MAX_REWARD = 100_000;

/** The current reward amounts. */
export async function getRewardSettings(deps: Pick<Deps, 'database'>): Promise<RewardSettings> {
  const { db } = deps.database;
  const [s, f] = await Promise.all([repo.readSetting(db, KEYS.signin), repo.readSetting(db, KEYS.firstUpload)]);
  return {
    signin: s === undefined ? DEFAULTS.signin : Number(JSON.parse(s)),
    firstUpload: f === undefined ? DEFAULTS.firstUpload : Number(JSON.parse(f)),
  };
}

/** Stores reward amounts (admin); 0 switches a reward off. */
export async function updateRewardSettings(deps: Pick<Deps, 'database'>, input: Partial<RewardSettings>) {
  for (const [k, v] of Object.entries(input) as [keyof RewardSettings, number | undefined][]) {
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_REWARD)
      throw badRequest('credits.rewardInvalid', { max: MAX_REWARD });
    await repo.writeSetting(deps.database.db, KEYS[k], JSON.stringify(v));
  }
}

/** The calendar day in China (UTC+8, no DST), which is when a 签到 day turns over. */
export function chinaDay(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Daily sign-in: credits the reward once per user per China day. */
export async function dailySignIn(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id'>,
): Promise<{ credited: boolean; amount: number }> {
  const { signin } = await getRewardSettings(deps);
  if (signin <= 0) return { credited: false, amount: 0 };
  const { db } = deps.database;
  const [source, wallet] = await Promise.all([accounts.source(db, ACCOUNTS.rewards), accounts.wallet(db, user.id)]);
  const txId = await inTransaction(deps, (trx) =>
    post(trx, {
      key: `signin:${user.id}:${chinaDay()}`,
      kind: 'reward',
      userId: user.id,
      memo: 'signin',
      postings: [
        { account: source, amount: -signin },
        { account: wallet, amount: signin },
      ],
    }),
  );
  return { credited: txId !== undefined, amount: signin };
}

/** True when the user already signed in today. */
export async function signedInToday(deps: Pick<Deps, 'database'>, userId: number): Promise<boolean> {
  return !!(await repo.findTransactionByKey(deps.database.db, `signin:${userId}:${chinaDay()}`));
}

/** The least text (characters) a document needs before it can earn the first-upload reward. */
export const FIRST_UPLOAD_MIN_CHARS = 300;

/** Why a published document earned no first-upload reward; undefined when it qualifies. */
async function firstUploadDisqualifier(
  db: Kysely<DB>,
  doc: { id: number; blob_key: string; char_count: number | null; minhash: string | null },
): Promise<'short' | 'copy' | 'near' | undefined> {
  if ((doc.char_count ?? 0) < FIRST_UPLOAD_MIN_CHARS) return 'short';
  if (await repo.hasOtherCopy(db, doc.id, doc.blob_key)) return 'copy';
  // Any other document with (nearly) the same text, whoever uploaded it and whatever became of it: a user's own
  // re-upload, a retitled copy of someone's 范文 approved from review, or a document deleted earlier.
  if (doc.minhash && (await findSimilarDocument(db, doc.id, JSON.parse(doc.minhash) as number[]))) return 'near';
  return undefined;
}

/**
 * The first-upload reward, once per user, for a published document with a real amount of text
 * (≥ FIRST_UPLOAD_MIN_CHARS) that is neither an exact nor a near duplicate of any other document, the uploader's own
 * included. It is paid into the user's pending account (visible on 我的钱包, neither spendable nor withdrawable) and
 * released to the wallet by a `credits.releaseReward` job after the holding period, if the document is still
 * published then. A deletion or takedown before that takes it back in full.
 */
export async function rewardFirstUpload(
  deps: Pick<Deps, 'database' | 'queue' | 'config'>,
  documentId: number,
): Promise<boolean> {
  const { db } = deps.database;
  const doc = await repo.findRewardCandidate(db, documentId);
  if (doc?.status !== 'published') return false;
  if (await firstUploadDisqualifier(db, doc)) return false;
  const { firstUpload } = await getRewardSettings(deps);
  if (firstUpload <= 0) return false;
  const [source, pending] = await Promise.all([
    accounts.source(db, ACCOUNTS.rewards),
    accounts.pending(db, doc.owner_id),
  ]);
  const releaseAt = Date.now() + deps.config.credits.rewardHoldDays * 86_400_000;
  const txId = await inTransaction(deps, async (trx) => {
    const id = await post(trx, {
      key: `first-upload:${doc.owner_id}`,
      kind: 'reward',
      userId: doc.owner_id,
      documentId,
      memo: 'first-upload',
      postings: [
        { account: source, amount: -firstUpload },
        { account: pending, amount: firstUpload },
      ],
    });
    // The release is queued in the same transaction: the pending credit and its release exist together or not at all.
    if (id !== undefined) {
      await deps.queue.enqueue(
        'credits.releaseReward',
        { documentId },
        { trx, runAt: releaseAt, dedupeKey: `release-reward:${doc.owner_id}` },
      );
    }
    return id;
  });
  return txId !== undefined;
}

/**
 * Moves a held first-upload reward from pending to the wallet, if its document is still published. Idempotent:
 * a reward already released, or already taken back, leaves nothing to move.
 */
export async function releaseUploadReward(deps: Pick<Deps, 'database'>, documentId: number): Promise<boolean> {
  const { db } = deps.database;
  const doc = await repo.findRewardCandidate(db, documentId);
  if (!doc) return false;
  const reward = await repo.findTransactionByKey(db, `first-upload:${doc.owner_id}`);
  if (!reward || Number(reward.document_id) !== documentId) return false;
  // Deleted or taken down while held: the clawback has taken (or is taking) it back.
  if (doc.status !== 'published') return false;
  const amount = await repo.creditedAmount(db, Number(reward.id));
  const [pending, wallet] = await Promise.all([accounts.pending(db, doc.owner_id), accounts.wallet(db, doc.owner_id)]);
  try {
    const txId = await inTransaction(deps, (trx) =>
      post(trx, {
        key: `first-upload:release:${doc.owner_id}`,
        kind: 'reward',
        userId: doc.owner_id,
        documentId,
        memo: 'first-upload',
        postings: [
          { account: pending, amount: -amount },
          { account: wallet, amount },
        ],
      }),
    );
    return txId !== undefined;
  } catch (err) {
    // The clawback won the race for the pending credit: nothing to release.
    if (err instanceof InsufficientBalance) return false;
    throw err;
  }
}

/** The job that releases a held reward when its holding period is over. */
export function releaseRewardHandler(deps: Pick<Deps, 'database' | 'log'>): JobHandler<'credits.releaseReward'> {
  return {
    async run({ documentId }, { log }) {
      if (await releaseUploadReward(deps, documentId)) log.info({ documentId }, 'first-upload reward released');
    },
    async onFinalFailure({ documentId }, error) {
      // The reward stays pending; the job can be re-run by hand. Nothing is lost, so a warning is enough.
      deps.log.warn({ documentId, err: error }, 'first-upload reward release failed');
    },
  };
}

/**
 * Takes the first-upload reward back when its document is taken down or deleted, once per reward. While it is still
 * held, all of it comes back from the pending account; after release, as much as the wallet still holds (a wallet
 * never goes negative — which is why the reward is held first).
 */
export async function clawBackUploadReward(deps: Pick<Deps, 'database'>, documentId: number): Promise<number> {
  const { db } = deps.database;
  const doc = await repo.findSellableDocument(db, documentId);
  if (!doc) return 0;
  const reward = await repo.findTransactionByKey(db, `first-upload:${doc.owner_id}`);
  if (!reward || Number(reward.document_id) !== documentId) return 0;
  const granted = await repo.creditedAmount(db, Number(reward.id));
  const [source, pending, wallet] = await Promise.all([
    accounts.source(db, ACCOUNTS.rewards),
    accounts.pending(db, doc.owner_id),
    accounts.wallet(db, doc.owner_id),
  ]);
  const clawBack = (from: repo.AccountRef, take: number) =>
    inTransaction(deps, (trx) =>
      post(trx, {
        key: `clawback:first-upload:${doc.owner_id}`,
        kind: 'clawback',
        userId: doc.owner_id,
        documentId,
        memo: 'first-upload',
        postings: [
          { account: from, amount: -take },
          { account: source, amount: take },
        ],
      }),
    );
  // 1. Still held: the whole reward comes back from pending (fails with InsufficientBalance once released).
  if (!(await repo.findTransactionByKey(db, `first-upload:release:${doc.owner_id}`))) {
    try {
      return (await clawBack(pending, granted)) === undefined ? 0 : granted;
    } catch (err) {
      if (!(err instanceof InsufficientBalance)) throw err;
    }
  }
  // 2. Released (or paid before rewards were held): what the wallet still holds of it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const take = Math.min(granted, await repo.balanceOf(db, wallet.code));
    try {
      return (await clawBack(wallet, take)) === undefined ? 0 : take;
    } catch (err) {
      // The wallet was spent between reading and debiting: read again and take what is left.
      if (!(err instanceof InsufficientBalance)) throw err;
    }
  }
  return 0;
}
