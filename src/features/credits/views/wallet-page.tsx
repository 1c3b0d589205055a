import { isMessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { Form } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { type getWallet, HISTORY_FILTERS, type HistoryFilter } from '../wallet.ts';

type Wallet = Awaited<ReturnType<typeof getWallet>>;

/** A signed amount with its sign always shown (+10 / −10). */
export const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

/** 我的钱包: balance, 签到, 充值, and the history with filters. */
export function WalletPage({
  ctx,
  wallet,
  filter,
  page,
}: {
  ctx: PageContext;
  wallet: Wallet;
  filter: HistoryFilter;
  page: number;
}) {
  const unit = ctx.site.creditName;
  const q = (p: number) => `/my/wallet?${new URLSearchParams({ kind: filter, page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('credits.walletTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card wallet" aria-labelledby="wallet-title">
        <h1 id="wallet-title">{t('credits.walletTitle')}</h1>
        <p class="wallet__balance">
          {t('credits.balance')}：<strong id="wallet-balance">{wallet.balance}</strong> {unit}
        </p>
        {wallet.pending > 0 && (
          <p class="wallet__pending" id="wallet-pending">
            {t('credits.pending', {
              n: wallet.pending,
              unit,
              date: wallet.pendingReleaseAt ? formatDate(wallet.pendingReleaseAt) : '—',
            })}
          </p>
        )}
        <div class="wallet__actions">
          <a class="button button--primary" href="/my/wallet/topup">
            {t('credits.topup')}
          </a>
          {wallet.signinReward > 0 && (
            <Form id="wallet-signin" class="form--inline" action="/my/wallet/signin" csrf={ctx.csrfToken}>
              <button class="button" type="submit" disabled={wallet.signedInToday}>
                {wallet.signedInToday ? t('credits.signedIn') : t('credits.signin', { n: wallet.signinReward })}
              </button>
            </Form>
          )}
          <a href="/my/earnings">
            {t('nav.earnings')}（{wallet.earnings} {unit}）
          </a>
          <a href="/my/purchases">{t('library.walletLink')}</a>
        </div>
      </section>
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">{t('credits.history')}</h2>
        <nav class="filters" aria-label={t('credits.historyFilter')}>
          {HISTORY_FILTERS.map((f) => (
            <a key={f} href={`/my/wallet?kind=${f}`} aria-current={f === filter ? 'page' : undefined}>
              {t(`credits.filter.${f}`)}
            </a>
          ))}
        </nav>
        {wallet.rows.length === 0 ? (
          <p class="empty">{t('credits.noHistory')}</p>
        ) : (
          <table class="ledger-table">
            <thead>
              <tr>
                <th scope="col">{t('credits.col.time')}</th>
                <th scope="col">{t('credits.col.kind')}</th>
                <th scope="col">{t('credits.col.detail')}</th>
                <th scope="col" class="num">
                  {t('credits.col.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {wallet.rows.map((r) => {
                const memoKey = `credits.memo.${r.memo}`;
                return (
                  <tr key={r.id}>
                    <td>{formatDate(Number(r.created_at))}</td>
                    <td>
                      {isMessageKey(`credits.kind.${r.kind}`)
                        ? t(`credits.kind.${r.kind}` as 'credits.kind.grant')
                        : r.kind}
                    </td>
                    <td>
                      {r.document_id ? (
                        <>
                          {r.document_title ?? r.memo}
                          {r.kind === 'purchase' && (
                            <>
                              {' '}
                              <a href={`/d/${r.document_id}/download`} rel="nofollow">
                                {t('credits.downloadOwned')}
                              </a>
                            </>
                          )}
                        </>
                      ) : isMessageKey(memoKey) ? (
                        t(memoKey)
                      ) : (
                        r.memo
                      )}
                    </td>
                    <td class={`num ${r.amount < 0 ? 'amount--out' : 'amount--in'}`}>{signed(r.amount)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <nav class="pager">
          {page > 1 && <a href={q(page - 1)}>{t('credits.prev')}</a>}
          {wallet.hasMore && <a href={q(page + 1)}>{t('credits.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}
