import type { VerificationStatus } from '../../../db/schema.ts';
import { type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Form, RefusalNotice, Submit, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { canAdminister } from '../../moderation/policy.ts';
import { type listVerifications, VERIFICATION_STATUSES } from '../decisions.ts';

type List = Awaited<ReturnType<typeof listVerifications>>;

/**
 * 实名审核 (/admin/verifications): submissions by status, masked for everyone. Moderators approve or reject pending
 * ones; admins may also revoke an approval and reveal a submission (a POST with a reason, audited).
 */
export function AdminVerificationsPage({
  ctx,
  status,
  list,
  state,
}: {
  ctx: PageContext;
  status: VerificationStatus;
  list: List;
  /** A refused reject, revoke or reveal: the sentence beside that row's reason, the reason kept. */
  state?: FormState | undefined;
}) {
  const admin = canAdminister(ctx.user);
  const pageLink = (p: number) => `/admin/verifications?${new URLSearchParams({ status, page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('verification.admin.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/verifications" />
      <section class="card" aria-labelledby="verifications-title">
        <h1 id="verifications-title">{t('verification.admin.title')}</h1>
        <p class="muted">{t('verification.admin.intro')}</p>
        <RefusalNotice state={state} shown={list.rows.flatMap((v) => reasonFormsOf(v, admin))} />
        <nav class="tabs" aria-label={t('verification.admin.filter')}>
          {VERIFICATION_STATUSES.map((s) => (
            <a key={s} href={`/admin/verifications?status=${s}`} aria-current={s === status ? 'page' : undefined}>
              {t(`verification.status.${s}`)}
            </a>
          ))}
        </nav>
        {list.total === 0 ? (
          <p class="empty">{t('verification.admin.empty')}</p>
        ) : (
          <>
            <p>{t('verification.admin.count', { n: list.total })}</p>
            <table class="ledger-table verification-table">
              <thead>
                <tr>
                  <th scope="col">{t('verification.admin.col.user')}</th>
                  <th scope="col">{t('verification.admin.col.name')}</th>
                  <th scope="col">{t('verification.admin.col.number')}</th>
                  <th scope="col">{t('verification.admin.col.photo')}</th>
                  <th scope="col">{t('verification.admin.col.submitted')}</th>
                  <th scope="col">{t('verification.admin.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.rows.map((v) => (
                  <tr key={v.id} id={`verification-${v.id}`}>
                    <td>
                      <a href={`/admin/users/${v.userId}`}>{v.displayName}</a> <span class="muted">#{v.userId}</span>
                    </td>
                    <td>{v.name ?? t('verification.undecryptable')}</td>
                    <td>
                      <span class="mono">{v.number ?? t('verification.undecryptable')}</span>
                      {v.sameNumberUsers > 0 && (
                        <p class="field__error">{t('verification.admin.sameNumber', { n: v.sameNumberUsers })}</p>
                      )}
                    </td>
                    <td>{v.hasPhoto ? t('verification.admin.photoYes') : t('verification.admin.photoNo')}</td>
                    <td>
                      {formatDateTime(v.submittedAt)}
                      {v.reason && <p class="muted">{t('verification.admin.reason', { reason: v.reason })}</p>}
                    </td>
                    <td>
                      {decisionsOf(v, admin).map((action) => (
                        <DecisionForm key={action} ctx={ctx} id={v.id} action={action} listed={status} state={state} />
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager">
              {list.page > 1 && <a href={pageLink(list.page - 1)}>{t('credits.prev')}</a>}
              {list.page < list.pages && <a href={pageLink(list.page + 1)}>{t('credits.next')}</a>}
            </nav>
          </>
        )}
      </section>
    </Layout>
  );
}

/** The staff decisions that need a reason, each a form per row: `<action>-<verification id>`. */
export type ReasonAction = 'reject' | 'revoke' | 'reveal';
/** Every staff decision on a row: 通过 needs no reason. */
type Decision = ReasonAction | 'approve';
export const reasonFormId = (action: Decision, id: number | string) => `${action}-${id}`;

/** The decisions a row offers, in the order of its forms: 通过 and 驳回 while pending; admins 撤销 and 查看 too. */
const decisionsOf = (v: { status: VerificationStatus }, admin: boolean): Decision[] => [
  ...(v.status === 'pending' ? (['approve', 'reject'] as const) : []),
  ...(admin && v.status === 'approved' ? (['revoke'] as const) : []),
  ...(admin ? (['reveal'] as const) : []),
];

/** The reason forms a row offers (a refusal for any other, 通过 included, is shown alone, above the table). */
const reasonFormsOf = (v: { id: number; status: VerificationStatus }, admin: boolean): string[] =>
  decisionsOf(v, admin)
    .filter((a) => a !== 'approve')
    .map((a) => reasonFormId(a, v.id));

/** Each decision's button, and for those that need one the reason's label (also its placeholder). */
const DECISION_TEXT: Record<Decision, { submit: MessageKey; reason?: MessageKey }> = {
  approve: { submit: 'verification.admin.approve' },
  reject: { submit: 'verification.admin.reject', reason: 'verification.admin.rejectReason' },
  revoke: { submit: 'verification.admin.revoke', reason: 'verification.admin.revokeReason' },
  reveal: { submit: 'verification.admin.reveal', reason: 'verification.admin.revealReason' },
};

/**
 * One decision form: the tab it was sent from and the button. A reason decision adds the reason (its label for
 * screen readers) and shows its refusal in place; a refused 通过 is the sentence above the table (RefusalNotice).
 */
function DecisionForm(props: {
  ctx: PageContext;
  id: number;
  action: Decision;
  listed: VerificationStatus;
  state: FormState | undefined;
}) {
  const form = reasonFormId(props.action, props.id);
  const text = DECISION_TEXT[props.action];
  const reason = text.reason && t(text.reason);
  return (
    <Form
      id={form}
      class="form--inline"
      action={`/admin/verifications/${props.id}/${props.action}`}
      csrf={props.ctx.csrfToken}
      state={reason ? props.state : undefined}
    >
      <input type="hidden" name="listed" value={props.listed} />
      {reason && (
        <TextField
          form={form}
          name="reason"
          label={<span class="visually-hidden">{reason}</span>}
          state={props.state}
          required
          minLength={2}
          maxLength={200}
          placeholder={reason}
        />
      )}
      <Submit kind={reason ? 'plain' : 'primary'} label={t(text.submit)} />
    </Form>
  );
}
