// The fields shared by the copyright forms (notice, claim, counter-notice), built from the site's form components
// (web/views/form.tsx): ids `<form>-<name>`, the sentence beside a refused field, what was typed shown again.
import type { ComponentChildren } from 'preact';
import { type MessageKey, t } from '../../../i18n/t.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatBytes } from '../../../web/format.ts';
import {
  CheckboxField,
  FileField,
  RadioField,
  SelectField,
  TextAreaField,
  TextField,
} from '../../../web/views/form.tsx';
import { HOLDER_KINDS, ID_TYPES } from '../form.ts';
import { PROOF_MAX_BYTES, PROOF_MAX_FILES } from '../proof-files.ts';

/** Which form, and its refused last submit (if that was this form). */
export interface FormProps {
  form: string;
  state?: FormState | undefined;
}

/** The file input for proof or evidence files, with its limits in words (files are chosen again after a refusal). */
export function ProofFiles({ form, state, label }: FormProps & { label: MessageKey }) {
  return (
    <FileField
      form={form}
      name="proof"
      label={t(label)}
      state={state}
      multiple
      accept=".pdf,.jpg,.jpeg,.png"
      hint={t('copyright.form.filesHint', { max: PROOF_MAX_FILES, size: formatBytes(PROOF_MAX_BYTES) })}
    />
  );
}

/** The sworn statement every filing and counter-notice carries. */
export function Sworn({ form, state, label }: FormProps & { label: MessageKey }) {
  return <CheckboxField form={form} name="sworn" label={t(label)} state={state} required />;
}

/**
 * The rights holder's identity, the work and the proof: shared by the notice and the claim forms. An identity number
 * is never written back into a page (web/form-state.ts: the field asks for it again).
 */
export function HolderWorkProofFields({ form, state, children }: FormProps & { children?: ComponentChildren }) {
  const f = { form, state };
  return (
    <>
      <fieldset class="field">
        <legend>{t('copyright.form.holder')}</legend>
        <RadioField
          {...f}
          name="holderKind"
          label={t('copyright.form.holderKind')}
          value="person"
          required
          options={HOLDER_KINDS.map((k) => ({ value: k, label: t(`copyright.form.holderKind.${k}`) }))}
        />
        <TextField {...f} name="holderName" label={t('copyright.form.holderName')} maxLength={100} required />
        <SelectField
          {...f}
          name="idType"
          label={t('copyright.form.idType')}
          value="id_card"
          required
          options={ID_TYPES.map((k) => ({ value: k, label: t(`copyright.form.idType.${k}`) }))}
        />
        <TextField
          {...f}
          name="idNumber"
          label={t('copyright.form.idNumber')}
          maxLength={40}
          required
          hint={t('copyright.form.idNumberHint')}
        />
        <TextField
          {...f}
          name="phone"
          label={t('copyright.form.phone')}
          maxLength={30}
          type="tel"
          autoComplete="tel"
          hint={t('copyright.form.contactHint')}
        />
        <TextField
          {...f}
          name="email"
          label={t('copyright.form.email')}
          maxLength={254}
          type="email"
          autoComplete="email"
        />
        <TextField {...f} name="address" label={t('copyright.form.address')} maxLength={200} required />
      </fieldset>
      <fieldset class="field">
        <legend>{t('copyright.form.work')}</legend>
        <TextField {...f} name="workTitle" label={t('copyright.form.workTitle')} maxLength={200} required />
        <TextField {...f} name="workAuthor" label={t('copyright.form.workAuthor')} maxLength={100} required />
        <TextField {...f} name="workPublished" label={t('copyright.form.workPublished')} maxLength={300} required />
      </fieldset>
      {children}
      <fieldset class="field">
        <legend>{t('copyright.form.proof')}</legend>
        <TextAreaField
          {...f}
          name="proofText"
          label={t('copyright.form.proofText')}
          maxLength={5000}
          rows={5}
          required
          hint={t('copyright.form.proofTextHint')}
        />
        <ProofFiles {...f} label="copyright.form.files" />
      </fieldset>
    </>
  );
}
