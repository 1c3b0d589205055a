import type { ComponentChildren } from 'preact';
import { type MessageKey, t } from '../../../i18n/t.ts';
import { formatBytes } from '../../../web/format.ts';
import { HOLDER_KINDS, ID_TYPES } from '../form.ts';
import { PROOF_MAX_BYTES, PROOF_MAX_FILES } from '../proof-files.ts';

/** What the user typed last time (shown again beside the error), by field name. */
export type FormValues = ReadonlyMap<string, string>;

/** The error line above a form. */
export function FormError({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="form__errors" role="alert">
      {error}
    </p>
  );
}

/** One labelled text input. */
export function TextField(props: {
  name: string;
  label: MessageKey;
  values: FormValues;
  max: number;
  type?: string;
  required?: boolean;
  hint?: ComponentChildren;
  autocomplete?: string;
}) {
  const { name, label, values, max, hint } = props;
  return (
    <div class="field">
      <label for={`f-${name}`}>{t(label)}</label>
      <input
        id={`f-${name}`}
        name={name}
        type={props.type ?? 'text'}
        maxLength={max}
        required={props.required ?? true}
        value={values.get(name) ?? ''}
        autoComplete={props.autocomplete}
        aria-describedby={hint ? `h-${name}` : undefined}
      />
      {hint && (
        <p class="field__hint" id={`h-${name}`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** One labelled textarea. */
export function TextArea(props: {
  name: string;
  label: MessageKey;
  values: FormValues;
  max: number;
  rows?: number;
  required?: boolean;
  hint?: ComponentChildren;
}) {
  const { name, label, values, max, hint } = props;
  return (
    <div class="field">
      <label for={`f-${name}`}>{t(label)}</label>
      <textarea
        id={`f-${name}`}
        name={name}
        rows={props.rows ?? 4}
        maxLength={max}
        required={props.required ?? true}
        aria-describedby={hint ? `h-${name}` : undefined}
      >
        {values.get(name) ?? ''}
      </textarea>
      {hint && (
        <p class="field__hint" id={`h-${name}`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** The file input for proof or evidence files, with its limits in words. */
export function ProofFiles({ label }: { label: MessageKey }) {
  return (
    <div class="field">
      <label for="f-proof">{t(label)}</label>
      <input id="f-proof" name="proof" type="file" multiple accept=".pdf,.jpg,.jpeg,.png" aria-describedby="h-proof" />
      <p class="field__hint" id="h-proof">
        {t('copyright.form.filesHint', { max: PROOF_MAX_FILES, size: formatBytes(PROOF_MAX_BYTES) })}
      </p>
    </div>
  );
}

/** The sworn statement every filing and counter-notice carries. */
export function Sworn({ label }: { label: MessageKey }) {
  return (
    <label class="choice">
      <input type="checkbox" name="sworn" value="1" required /> {t(label)}
    </label>
  );
}

const NO_VALUES: FormValues = new Map();

/**
 * The rights holder's identity, the work and the proof: shared by the notice and the claim forms. A person's identity
 * number is never written back into a page (only an organisation's public 统一社会信用代码 is).
 */
export function HolderWorkProofFields({ values, children }: { values: FormValues; children?: ComponentChildren }) {
  const holderKind = values.get('holderKind') ?? 'person';
  const idType = values.get('idType') ?? 'id_card';
  return (
    <>
      <fieldset class="field">
        <legend>{t('copyright.form.holder')}</legend>
        <fieldset class="field">
          <legend>{t('copyright.form.holderKind')}</legend>
          {HOLDER_KINDS.map((k) => (
            <label class="choice" key={k}>
              <input type="radio" name="holderKind" value={k} checked={holderKind === k} required />{' '}
              {t(`copyright.form.holderKind.${k}`)}
            </label>
          ))}
        </fieldset>
        <TextField name="holderName" label="copyright.form.holderName" values={values} max={100} />
        <div class="field">
          <label for="f-idType">{t('copyright.form.idType')}</label>
          <select id="f-idType" name="idType" required>
            {ID_TYPES.map((k) => (
              <option key={k} value={k} selected={idType === k}>
                {t(`copyright.form.idType.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          name="idNumber"
          label="copyright.form.idNumber"
          values={idType === 'uscc' ? values : NO_VALUES}
          max={40}
          hint={t('copyright.form.idNumberHint')}
        />
        <TextField
          name="phone"
          label="copyright.form.phone"
          values={values}
          max={30}
          type="tel"
          required={false}
          autocomplete="tel"
          hint={t('copyright.form.contactHint')}
        />
        <TextField
          name="email"
          label="copyright.form.email"
          values={values}
          max={254}
          type="email"
          required={false}
          autocomplete="email"
        />
        <TextField name="address" label="copyright.form.address" values={values} max={200} />
      </fieldset>
      <fieldset class="field">
        <legend>{t('copyright.form.work')}</legend>
        <TextField name="workTitle" label="copyright.form.workTitle" values={values} max={200} />
        <TextField name="workAuthor" label="copyright.form.workAuthor" values={values} max={100} />
        <TextField name="workPublished" label="copyright.form.workPublished" values={values} max={300} />
      </fieldset>
      {children}
      <fieldset class="field">
        <legend>{t('copyright.form.proof')}</legend>
        <TextArea
          name="proofText"
          label="copyright.form.proofText"
          values={values}
          max={5000}
          rows={5}
          hint={t('copyright.form.proofTextHint')}
        />
        <ProofFiles label="copyright.form.files" />
      </fieldset>
    </>
  );
}

/** The action of a multipart form: multipart bodies are read after the CSRF check, so the token rides in the URL. */
export const multipartAction = (path: string, csrf: string | undefined) =>
  `${path}${path.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf ?? '')}`;
