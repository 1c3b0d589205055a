import { isMessageKey, type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatBytes, formatDateTime } from '../../../web/format.ts';
import { Form, RefusalNotice, Submit, TextAreaField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import type { FilingView, NamedView } from '../read.ts';

const label = (key: string, params?: Record<string, string | number>) =>
  isMessageKey(key) ? t(key as MessageKey, params) : key;

/** A staff action with a reason (or an optional note): one small form, `id` as its form id (field `<id>-reason`). */
function ReasonForm(props: {
  ctx: PageContext;
  action: string;
  submit: MessageKey;
  danger?: boolean;
  optional?: boolean;
  id: string;
  state: FormState | undefined;
}) {
  return (
    <Form id={props.id} action={props.action} csrf={props.ctx.csrfToken} state={props.state}>
      <TextAreaField
        form={props.id}
        name="reason"
        label={t(props.optional ? 'copyright.staff.approveReason' : 'copyright.staff.reason')}
        state={props.state}
        rows={2}
        maxLength={500}
        required={!props.optional}
      />
      <Submit label={t(props.submit)} kind={props.danger ? 'danger' : 'primary'} />
    </Form>
  );
}

function NamedDocument({
  ctx,
  view,
  n,
  state,
}: {
  ctx: PageContext;
  view: FilingView;
  n: NamedView;
  state: FormState | undefined;
}) {
  const id = Number(view.filing.id);
  const docId = Number(n.document_id);
  return (
    <li id={`doc-${docId}`}>
      <p>
        <a href={`/d/${docId}`}>{n.title}</a> <span class="muted">#{docId}</span> ·{' '}
        {t('copyright.page.uploader', { name: n.uploader_name })} ·{' '}
        <strong class="status">{label(`copyright.doc.${n.status}`)}</strong>
      </p>
      {n.counter && (
        <div class="card">
          <h4>{t('copyright.page.counter')}</h4>
          <p>
            {t('copyright.page.counterBy', { name: n.counter.name, contact: n.counter.contact })} ·{' '}
            {formatDateTime(Number(n.counter.created_at))}
          </p>
          {view.role !== 'uploader' || Number(n.counter.user_id) === ctx.user?.id ? (
            <dl class="facts">
              <dt>{t('copyright.page.address')}</dt>
              <dd>{n.counter.address}</dd>
              <dt>{t('copyright.page.counterStatement')}</dt>
              <dd class="preview-text">{n.counter.statement}</dd>
              <dt>{t('copyright.page.counterEvidence')}</dt>
              <dd class="preview-text">{n.counter.evidence_text}</dd>
            </dl>
          ) : null}
        </div>
      )}
      {n.mayCounter && (
        <p>
          <a class="button button--primary" href={`/d/${docId}/counter-notice`}>
            {t('copyright.page.fileCounter')}
          </a>
        </p>
      )}
      {n.mayDecide && (
        <div class="inline-form">
          <ReasonForm
            ctx={ctx}
            id={`restore-${docId}`}
            action={`/admin/notices/${id}/documents/${docId}/restore`}
            submit="copyright.staff.restore"
            state={state}
          />
          <ReasonForm
            ctx={ctx}
            id={`keep-${docId}`}
            action={`/admin/notices/${id}/documents/${docId}/keep-down`}
            submit="copyright.staff.keep"
            danger
            state={state}
          />
        </div>
      )}
    </li>
  );
}

/**
 * A copyright notice or claim with its dated timeline, as one party (or staff) may see it; `state` is a refused
 * staff or withdraw form, shown again with its sentence.
 */
export function FilingPage({
  ctx,
  view,
  state,
}: {
  ctx: PageContext;
  view: FilingView;
  state?: FormState | undefined;
}) {
  const { filing, role } = view;
  const id = Number(filing.id);
  const title = t('copyright.page.title', { kind: t(`copyright.kind.${filing.kind}`), id });
  const titles = new Map(view.documents.map((d) => [Number(d.document_id), d.title]));
  const staff = role === 'staff';
  const may = view.may;
  const shown = [
    ...(may.takeDown ? ['take-down'] : []),
    ...(may.approve ? ['approve'] : []),
    ...(may.reject ? ['reject'] : []),
    ...(may.withdraw ? ['withdraw'] : []),
    ...view.documents.filter((n) => n.mayDecide).flatMap((n) => [`restore-${n.document_id}`, `keep-${n.document_id}`]),
  ];
  return (
    <Layout ctx={ctx} title={title} head={<meta name="robots" content="noindex" />}>
      {staff && <StaffNav ctx={ctx} current="/admin/notices" />}
      <section class="card" aria-labelledby="filing-title">
        <h1 id="filing-title">{title}</h1>
        <RefusalNotice state={state} shown={shown} />
        <dl class="facts">
          <dt>{t('copyright.page.status')}</dt>
          <dd id="filing-status">{t(`copyright.status.${filing.status}`)}</dd>
          <dt>{t('copyright.page.filed')}</dt>
          <dd>{formatDateTime(Number(filing.created_at))}</dd>
          <dt>{t('copyright.page.holder')}</dt>
          <dd>
            {filing.holder_name}（{t(`copyright.form.holderKind.${filing.holder_kind}`)}）
          </dd>
          {role !== 'uploader' && (
            <>
              <dt>{t('copyright.page.idNumber')}</dt>
              <dd>
                {t(`copyright.form.idType.${filing.id_type}`)} {filing.id_number}
              </dd>
              <dt>{t('copyright.page.address')}</dt>
              <dd>{filing.address}</dd>
            </>
          )}
          <dt>{t('copyright.page.contact')}</dt>
          <dd>{[filing.phone, filing.email].filter(Boolean).join(' · ')}</dd>
          <dt>{t('copyright.page.work')}</dt>
          <dd>{t('copyright.page.workLine', { title: filing.work_title, author: filing.work_author })}</dd>
          <dt>{t('copyright.page.workPublished')}</dt>
          <dd>{filing.work_published}</dd>
          <dt>{t('copyright.page.proof')}</dt>
          <dd class="preview-text">{filing.proof_text}</dd>
          {filing.decision_reason && (
            <>
              <dt>{t('copyright.page.decision')}</dt>
              <dd>{filing.decision_reason}</dd>
            </>
          )}
        </dl>
        {(view.files.length > 0 || view.hiddenFiles > 0) && (
          <>
            <h2>{t('copyright.page.files')}</h2>
            <ul>
              {view.files.map((f) => (
                <li key={f.id}>
                  {staff ? <a href={`/admin/notices/files/${f.id}`}>{f.filename}</a> : f.filename}{' '}
                  <span class="muted">
                    {formatBytes(Number(f.size_bytes))}
                    {f.counter_notice_id !== null && ` · ${t('copyright.page.counter')}`}
                  </span>
                </li>
              ))}
            </ul>
            {view.hiddenFiles > 0 && <p class="muted">{t('copyright.page.hiddenFiles', { n: view.hiddenFiles })}</p>}
          </>
        )}
        <h2>{t('copyright.page.documents')}</h2>
        <ul>
          {view.documents.map((n) => (
            <NamedDocument key={n.document_id} ctx={ctx} view={view} n={n} state={state} />
          ))}
        </ul>
        {view.may.takeDown && (
          <Form id="take-down" action={`/admin/notices/${id}/take-down`} csrf={ctx.csrfToken} state={state}>
            <Submit label={t('copyright.staff.takeDown')} kind="danger" />
          </Form>
        )}
        {view.may.approve && (
          <ReasonForm
            ctx={ctx}
            id="approve"
            action={`/admin/notices/${id}/approve`}
            submit="copyright.staff.approve"
            optional
            state={state}
          />
        )}
        {view.may.reject && (
          <ReasonForm
            ctx={ctx}
            id="reject"
            action={`/admin/notices/${id}/reject`}
            submit="copyright.staff.reject"
            danger
            state={state}
          />
        )}
        {view.may.withdraw && (
          <Form id="withdraw" action={`/copyright/notices/${id}/withdraw`} csrf={ctx.csrfToken} state={state}>
            <Submit label={t('copyright.page.withdraw')} kind="plain" />
          </Form>
        )}
      </section>
      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('copyright.page.timeline')}</h2>
        <ol class="timeline">
          {view.events.map((e) => (
            <li key={e.id}>
              <time dateTime={new Date(Number(e.created_at)).toISOString()}>
                {formatDateTime(Number(e.created_at))}
              </time>{' '}
              {label(`copyright.event.${e.kind}`, {
                title: e.document_id === null ? '' : (titles.get(Number(e.document_id)) ?? `#${e.document_id}`),
              })}
              {e.reason && <> · {t('copyright.event.reason', { reason: e.reason })}</>}
              {staff && e.actor && <span class="muted"> · {e.actor}</span>}
            </li>
          ))}
        </ol>
        <p>
          {staff ? (
            <a href="/admin/notices">{t('copyright.page.staffBack')}</a>
          ) : (
            <a href="/copyright/notices">{t('copyright.page.back')}</a>
          )}
        </p>
      </section>
    </Layout>
  );
}
