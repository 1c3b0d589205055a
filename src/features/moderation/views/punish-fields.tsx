import { t } from '../../../i18n/t.ts';
import type { FormState } from '../../../web/form-state.ts';
import { RadioField, SelectField, TextField } from '../../../web/views/form.tsx';
import { PUNISH_DAYS } from '../service.ts';

/**
 * The fields of a punish form (kind, duration, the reason the user will read), shared by the user page and the
 * report queue; inside the shared Form `form` (its id keeps the controls' ids unique when a page shows several).
 */
export function PunishFields({ form, state }: { form: string; state?: FormState | undefined }) {
  return (
    <>
      <RadioField
        form={form}
        name="kind"
        label={t('moderation.punishTitle')}
        state={state}
        required
        options={(['ban', 'mute'] as const).map((k) => ({ value: k, label: t(`moderation.kind.${k}`) }))}
      />
      <SelectField
        form={form}
        name="days"
        label={t('moderation.days')}
        state={state}
        options={PUNISH_DAYS.map((d) => ({
          value: String(d),
          label: d === 0 ? t('moderation.days.forever') : t('moderation.days.n', { n: d }),
        }))}
      />
      <TextField
        form={form}
        name="reason"
        label={t('moderation.reason')}
        state={state}
        required
        minLength={2}
        maxLength={200}
      />
    </>
  );
}
