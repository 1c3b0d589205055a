import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, RadioField, Submit, TextAreaField } from '../../../web/views/form.tsx';

/** The report form's id (fields `report-reason`, `report-detail`). */
export const REPORT_FORM = 'report';

/** 违规举报 / 举报评论: a reason and details; after a refusal, what was chosen and typed, and why it was refused. */
export function ReportForm(props: {
  ctx: PageContext;
  action: string;
  reasons: readonly string[];
  state: FormState | undefined;
}) {
  const { ctx, action, reasons, state } = props;
  const f = { form: REPORT_FORM, state };
  return (
    <Form id={REPORT_FORM} action={action} csrf={ctx.csrfToken} state={state}>
      <RadioField
        {...f}
        name="reason"
        label={t('report.reason')}
        required
        options={reasons.map((r) => ({ value: r, label: t(`takedown.code.${r}` as Parameters<typeof t>[0]) }))}
      />
      <TextAreaField {...f} name="detail" label={t('report.detail')} rows={4} maxLength={1000} />
      <Submit label={t('report.submit')} kind="danger" />
    </Form>
  );
}
