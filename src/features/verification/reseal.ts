// Key rotation, second half: after PII_ENCRYPTION_KEY is replaced (the old key moved to PII_ENCRYPTION_OLD_KEYS),
// `wenyuan pii reseal` seals every value still under an old key with the current one. When it reports nothing left,
// the old key can be dropped from the configuration. Fingerprints do not change (they use the lookup key).
import type { Deps } from '../../deps.ts';

/** What a reseal did: rows visited, values sealed anew, values that would not open (left as they are). */
export interface ResealReport {
  readonly rows: number;
  readonly resealed: number;
  readonly unopenable: number;
}

const BATCH = 200;

/** Re-seals, under the current key, every verification value sealed with another one. Idempotent. */
export async function resealVerifications(deps: Pick<Deps, 'database' | 'pii' | 'log'>): Promise<ResealReport> {
  const { db } = deps.database;
  const { pii } = deps;
  let rows = 0;
  let resealed = 0;
  let unopenable = 0;
  const again = (sealed: string, context: string): string | undefined => {
    if (pii.keyIdOf(sealed) === pii.keyId) return undefined;
    try {
      const fresh = pii.sealText(pii.openText(sealed, context), context);
      resealed++;
      return fresh;
    } catch {
      unopenable++;
      return undefined;
    }
  };
  for (let after = 0; ; ) {
    const batch = await db
      .selectFrom('verifications as v')
      .leftJoin('verification_photos as p', 'p.verification_id', 'v.id')
      .select(['v.id', 'v.user_id', 'v.legal_name_sealed', 'v.id_number_sealed', 'p.sealed as photo'])
      .where('v.id', '>', after)
      .orderBy('v.id')
      .limit(BATCH)
      .execute();
    if (batch.length === 0) break;
    for (const r of batch) {
      rows++;
      const userId = Number(r.user_id);
      const name = again(r.legal_name_sealed, `verification.name:${userId}`);
      const number = again(r.id_number_sealed, `verification.number:${userId}`);
      if (name || number) {
        await db
          .updateTable('verifications')
          .set({ legal_name_sealed: name ?? r.legal_name_sealed, id_number_sealed: number ?? r.id_number_sealed })
          .where('id', '=', r.id)
          .execute();
      }
      const photo = r.photo ? Buffer.from(r.photo) : undefined;
      if (photo && pii.keyIdOf(photo) !== pii.keyId) {
        try {
          const context = `verification.photo:${userId}`;
          const fresh = pii.sealBytes(pii.openBytes(photo, context), context);
          await db
            .updateTable('verification_photos')
            .set({ sealed: fresh })
            .where('verification_id', '=', r.id)
            .execute();
          resealed++;
        } catch {
          unopenable++;
        }
      }
    }
    after = Number(batch.at(-1)!.id);
  }
  deps.log.info({ rows, resealed, unopenable, keyId: pii.keyId }, 'verification values resealed');
  return { rows, resealed, unopenable };
}
