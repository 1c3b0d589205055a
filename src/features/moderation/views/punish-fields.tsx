import { t } from '../../../i18n/t.ts';
import { PUNISH_DAYS } from '../service.ts';

/**
 * The fields of a punish form (kind, duration, the reason the user will read), shared by the user page and the
 * report queue; `ids` keeps label targets unique when a page shows several forms.
 */
export function PunishFields({ ids }: { ids: { days: string; reason: string } }) {
  return (
    <>
      <fieldset>
        <legend>{t('moderation.punishTitle')}</legend>
        {(['ban', 'mute'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="kind" value={k} required /> {t(`moderation.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for={ids.days}>{t('moderation.days')}</label>
        <select id={ids.days} name="days">
          {PUNISH_DAYS.map((d) => (
            <option key={d} value={String(d)}>
              {d === 0 ? t('moderation.days.forever') : t('moderation.days.n', { n: d })}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={ids.reason}>{t('moderation.reason')}</label>
        <input id={ids.reason} name="reason" required minLength={2} maxLength={200} />
      </div>
    </>
  );
}
