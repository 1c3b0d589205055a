import type { Deps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
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

/**
 * The first-upload reward, once per user, when their first original document is published. A file identical to an
 * earlier document (same content hash, so same blob) earns nothing: re-uploading someone else's file is no way in.
 */
export async function rewardFirstUpload(deps: Pick<Deps, 'database'>, documentId: number): Promise<boolean> {
  const { db } = deps.database;
  const doc = await repo.findSellableDocument(db, documentId);
  if (doc?.status !== 'published') return false;
  if (await repo.hasEarlierCopy(db, documentId, doc.blob_key)) return false;
  const { firstUpload } = await getRewardSettings(deps);
  if (firstUpload <= 0) return false;
  const [source, wallet] = await Promise.all([
    accounts.source(db, ACCOUNTS.rewards),
    accounts.wallet(db, doc.owner_id),
  ]);
  const txId = await inTransaction(deps, (trx) =>
    post(trx, {
      key: `first-upload:${doc.owner_id}`,
      kind: 'reward',
      userId: doc.owner_id,
      documentId,
      memo: 'first-upload',
      postings: [
        { account: source, amount: -firstUpload },
        { account: wallet, amount: firstUpload },
      ],
    }),
  );
  return txId !== undefined;
}

/**
 * Takes the first-upload reward back when its document is taken down or deleted — as much of it as the wallet
 * still holds (a wallet never goes negative); once per reward.
 */
export async function clawBackUploadReward(deps: Pick<Deps, 'database'>, documentId: number): Promise<number> {
  const { db } = deps.database;
  const doc = await repo.findSellableDocument(db, documentId);
  if (!doc) return 0;
  const reward = await repo.findTransactionByKey(db, `first-upload:${doc.owner_id}`);
  if (!reward || Number(reward.document_id) !== documentId) return 0;
  const granted = await repo.creditedAmount(db, Number(reward.id));
  const [source, wallet] = await Promise.all([
    accounts.source(db, ACCOUNTS.rewards),
    accounts.wallet(db, doc.owner_id),
  ]);
  for (let attempt = 0; attempt < 3; attempt++) {
    const take = Math.min(granted, await repo.balanceOf(db, wallet.code));
    try {
      const txId = await inTransaction(deps, (trx) =>
        post(trx, {
          key: `clawback:first-upload:${doc.owner_id}`,
          kind: 'clawback',
          userId: doc.owner_id,
          documentId,
          memo: 'first-upload',
          postings: [
            { account: wallet, amount: -take },
            { account: source, amount: take },
          ],
        }),
      );
      return txId === undefined ? 0 : take;
    } catch (err) {
      // The wallet was spent between reading and debiting: read again and take what is left.
      if (!(err instanceof InsufficientBalance)) throw err;
    }
  }
  return 0;
}
