import { t } from '../../i18n/t.ts';

/** The file format as a coloured badge (DOCX / PDF / TXT). */
export function FormatBadge({ format }: { format: string }) {
  return (
    <span
      class={`format-badge format-badge--${format}`}
      title={t('document.formatTitle', { format: format.toUpperCase() })}
    >
      {format.toUpperCase()}
    </span>
  );
}
