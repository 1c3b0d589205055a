import { type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { OPENAPI_PATH } from '../../../web/openapi.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { type ApiTokenView, EXPIRY_CHOICES } from '../service.ts';

const EXPIRY_LABELS: Record<keyof typeof EXPIRY_CHOICES, MessageKey> = {
  '30': 'apiTokens.expiry.30',
  '90': 'apiTokens.expiry.90',
  '365': 'apiTokens.expiry.365',
  never: 'apiTokens.expiry.never',
};

/** What the create form was sent, to fill it again after an error. */
export interface TokenFormValues {
  readonly name: string;
  readonly read: boolean;
  readonly upload: boolean;
  readonly expiry: string;
}

const DEFAULT_FORM: TokenFormValues = { name: '', read: true, upload: false, expiry: '90' };

/**
 * API 令牌: the token just created (shown this once), the create form and the list with revoke buttons. Works
 * without script: plain forms with the CSRF field.
 */
export function TokensPage({
  ctx,
  tokens,
  created,
  error,
  form = DEFAULT_FORM,
}: {
  ctx: PageContext;
  tokens: readonly ApiTokenView[];
  created?: { name: string; token: string } | undefined;
  error?: string | undefined;
  form?: TokenFormValues;
}) {
  return (
    <Layout ctx={ctx} title={t('apiTokens.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="tokens-title">
        <h1 id="tokens-title">{t('apiTokens.title')}</h1>
        <p>{t('apiTokens.intro')}</p>
        <p>
          {t('apiTokens.docs')}
          <a href={OPENAPI_PATH}>{OPENAPI_PATH}</a>
        </p>
        {created && (
          <div class="status-notice" role="status" id="token-created">
            <p>{t('apiTokens.created', { name: created.name })}</p>
            <p>
              <code id="new-token" class="api-token">
                {created.token}
              </code>
            </p>
            <p>{t('apiTokens.usage')}</p>
          </div>
        )}
        <h2>{t('apiTokens.create')}</h2>
        {error && (
          <p class="form__errors" role="alert">
            {error}
          </p>
        )}
        <form class="form" method="post" action="/settings/tokens">
          <input type="hidden" name="_csrf" value={ctx.csrfToken ?? ''} />
          <div class="field">
            <label for="token-name">{t('apiTokens.name')}</label>
            <input
              id="token-name"
              name="name"
              required
              maxLength={40}
              value={form.name}
              aria-describedby="token-name-hint"
            />
            <p class="field__hint" id="token-name-hint">
              {t('apiTokens.nameHint')}
            </p>
          </div>
          <fieldset class="field">
            <legend>{t('apiTokens.scopes')}</legend>
            <label>
              <input type="checkbox" name="read" value="1" checked={form.read} /> {t('apiTokens.scope.read')}
            </label>
            <label>
              <input type="checkbox" name="upload" value="1" checked={form.upload} /> {t('apiTokens.scope.upload')}
            </label>
          </fieldset>
          <div class="field">
            <label for="token-expiry">{t('apiTokens.expiry')}</label>
            <select id="token-expiry" name="expiry">
              {Object.keys(EXPIRY_CHOICES).map((key) => (
                <option key={key} value={key} selected={form.expiry === key}>
                  {t(EXPIRY_LABELS[key as keyof typeof EXPIRY_CHOICES])}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button button--primary">
            {t('apiTokens.create')}
          </button>
        </form>
        <h2>{t('apiTokens.list')}</h2>
        {tokens.length === 0 ? <p class="empty">{t('apiTokens.empty')}</p> : <TokenTable ctx={ctx} tokens={tokens} />}
      </section>
    </Layout>
  );
}

function TokenTable({ ctx, tokens }: { ctx: PageContext; tokens: readonly ApiTokenView[] }) {
  return (
    <table class="library-table" id="tokens">
      <thead>
        <tr>
          <th scope="col">{t('apiTokens.col.name')}</th>
          <th scope="col">{t('apiTokens.col.prefix')}</th>
          <th scope="col">{t('apiTokens.col.scopes')}</th>
          <th scope="col">{t('apiTokens.col.created')}</th>
          <th scope="col">{t('apiTokens.col.expires')}</th>
          <th scope="col">{t('apiTokens.col.lastUsed')}</th>
          <th scope="col">{t('apiTokens.col.state')}</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((tk) => (
          <tr key={tk.id} id={`token-${tk.id}`}>
            <td>{tk.name}</td>
            <td>
              <code>{tk.prefix}…</code>
            </td>
            <td>{tk.scopes.map((s) => t(`apiTokens.scopeName.${s}`)).join('、')}</td>
            <td>{formatDateTime(tk.createdAt)}</td>
            <td>{tk.expiresAt === null ? t('apiTokens.noExpiry') : formatDateTime(tk.expiresAt)}</td>
            <td>{tk.lastUsedAt === null ? t('apiTokens.never') : formatDateTime(tk.lastUsedAt)}</td>
            <td>
              {t(`apiTokens.state.${tk.state}`)}
              {tk.state === 'active' && (
                <form method="post" action={`/settings/tokens/${tk.id}/revoke`} class="inline-form">
                  <input type="hidden" name="_csrf" value={ctx.csrfToken ?? ''} />{' '}
                  <button type="submit" class="link-button">
                    {t('apiTokens.revoke')}
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
