import { type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDateTime } from '../../../web/format.ts';
import { OPENAPI_PATH } from '../../../web/openapi.ts';
import { CheckboxField, Form, SelectField, Submit, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { type ApiTokenView, EXPIRY_CHOICES } from '../service.ts';

const EXPIRY_LABELS: Record<keyof typeof EXPIRY_CHOICES, MessageKey> = {
  '30': 'apiTokens.expiry.30',
  '90': 'apiTokens.expiry.90',
  '365': 'apiTokens.expiry.365',
  never: 'apiTokens.expiry.never',
};

/** The create form's id (fields `token-name`, `token-read`, `token-upload`, `token-expiry`). */
export const TOKEN_FORM = 'token';

/**
 * API 令牌: the token just created (shown this once), the create form and the list with revoke buttons. Works
 * without script: plain forms with the CSRF field. `state` is the refused create form, shown again as typed.
 */
export function TokensPage({
  ctx,
  tokens,
  created,
  state,
}: {
  ctx: PageContext;
  tokens: readonly ApiTokenView[];
  created?: { name: string; token: string } | undefined;
  state?: FormState | undefined;
}) {
  const f = { form: TOKEN_FORM, state };
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
        <Form id={TOKEN_FORM} action="/settings/tokens" csrf={ctx.csrfToken} state={state}>
          <TextField
            {...f}
            name="name"
            label={t('apiTokens.name')}
            hint={t('apiTokens.nameHint')}
            required
            maxLength={40}
          />
          <fieldset class="field">
            <legend>{t('apiTokens.scopes')}</legend>
            <CheckboxField {...f} name="read" label={t('apiTokens.scope.read')} checked />
            <CheckboxField {...f} name="upload" label={t('apiTokens.scope.upload')} />
          </fieldset>
          <SelectField
            {...f}
            name="expiry"
            label={t('apiTokens.expiry')}
            value="90"
            options={Object.keys(EXPIRY_CHOICES).map((key) => ({
              value: key,
              label: t(EXPIRY_LABELS[key as keyof typeof EXPIRY_CHOICES]),
            }))}
          />
          <Submit label={t('apiTokens.create')} />
        </Form>
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
                <Form
                  id={`revoke-${tk.id}`}
                  action={`/settings/tokens/${tk.id}/revoke`}
                  csrf={ctx.csrfToken}
                  class="inline-form"
                >
                  {' '}
                  <button type="submit" class="link-button">
                    {t('apiTokens.revoke')}
                  </button>
                </Form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
