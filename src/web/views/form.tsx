// The shared form components: every page form is built from these, so a refused submit looks and behaves the same
// everywhere (web/form-state.ts): an error summary on top (focused, with links to the fields), each field's own
// sentence beside it with aria-invalid, and the values the user typed.
import type { ComponentChildren, JSX } from 'preact';
import { t } from '../../i18n/t.ts';
import { type FormState, isSecretField } from '../form-state.ts';

/** The id of a field's control inside form `form` (unique on a page with several forms). */
export const fieldId = (form: string, name: string) => `${form}-${name}`;

/**
 * A form with its CSRF token as the first field (a multipart body is checked from it, web/multipart.ts, so the token
 * never rides in the address bar) and, after a refused submit, the error summary.
 */
export function Form({
  id,
  action,
  csrf,
  state,
  multipart,
  class: className = 'form',
  children,
  ...rest
}: {
  id: string;
  action: string;
  csrf: string | undefined;
  state?: FormState | undefined;
  multipart?: boolean;
  class?: string;
  children: ComponentChildren;
} & Omit<JSX.IntrinsicElements['form'], 'id' | 'action' | 'class' | 'method'>) {
  return (
    <form
      {...rest}
      id={id}
      class={className}
      method="post"
      action={action}
      enctype={multipart ? 'multipart/form-data' : undefined}
    >
      <input type="hidden" name="_csrf" value={csrf ?? ''} />
      <ErrorSummary form={id} state={state} />
      {children}
    </form>
  );
}

/**
 * What went wrong with the last submit: one sentence, or a list linking to each refused field. Focused on load by the
 * client (data-error-summary), announced by screen readers (role=alert).
 */
export function ErrorSummary({ form, state }: { form: string; state: FormState | undefined }) {
  if (!state || state.form !== form) return null;
  const fields = Object.entries(state.fields);
  return (
    <div class="form__errors" role="alert" tabIndex={-1} data-error-summary>
      {fields.length === 0 ? (
        <p>{state.error}</p>
      ) : (
        <>
          <p>{t('form.summary')}</p>
          <ul>
            {fields.map(([name, message]) => (
              <li key={name}>
                <a href={`#${fieldId(form, name)}`}>{message}</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * A refusal whose form is no longer on the page (a decision already taken removes its buttons): the sentence alone,
 * announced and focused like a form's summary. `shown` lists the ids of the forms the page still renders.
 */
export function RefusalNotice({ state, shown }: { state: FormState | undefined; shown: readonly string[] }) {
  if (!state || shown.includes(state.form)) return null;
  return (
    <div class="form__errors" role="alert" tabIndex={-1} data-error-summary>
      <p>{state.error}</p>
    </div>
  );
}

interface FieldProps {
  /** The form's id (as given to Form). */
  form: string;
  name: string;
  label: ComponentChildren;
  state?: FormState | undefined;
  hint?: ComponentChildren;
  /** Shown when the form was not refused (or the field was not submitted). */
  value?: string | number | undefined;
  /** A class for the field's wrapper (beside `field`). */
  class?: string;
}

/** Whether the form holding this field is the one just refused. */
const refusedHere = (p: FieldProps) => p.state?.form === p.form;

/** A field's hint followed by a sentence about the refused submit (either may be absent). */
function joinHints(hint: ComponentChildren, extra: string | undefined): ComponentChildren {
  if (!extra) return hint;
  if (hint === undefined || hint === null || hint === '') return extra;
  return (
    <>
      {hint} <strong>{extra}</strong>
    </>
  );
}

/** The parts every field shares: id, the value to show, its error sentence and the describing ids. */
function fieldParts(p: FieldProps) {
  const id = fieldId(p.form, p.name);
  const mine = p.state?.form === p.form ? p.state : undefined;
  const submitted = mine?.values[p.name];
  const error = mine?.fields[p.name];
  const described = [p.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    value: submitted ?? (p.value === undefined ? undefined : String(p.value)),
    error,
    aria: { 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': described || undefined },
  };
}

function FieldShell(props: { p: FieldProps; id: string; error: string | undefined; children: ComponentChildren }) {
  const { p, id, error } = props;
  return (
    <div class={p.class ? `field ${p.class}` : 'field'}>
      <label for={id}>{p.label}</label>
      {props.children}
      {p.hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      {error && (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

type InputAttrs = Omit<JSX.IntrinsicElements['input'], 'id' | 'name' | 'value' | 'label' | 'form' | 'class'>;

/** A labelled input (text, number, email…), with its hint and, after a refused submit, its sentence. */
export function TextField(props: FieldProps & InputAttrs) {
  const { form, name, label, state, hint, value: _v, class: _c, ...attrs } = props;
  // A secret (a password, an ID number) is never written back: after a refusal the field says so.
  const again = refusedHere(props) && isSecretField(name) ? t('form.typeAgain') : undefined;
  const parts = fieldParts({ form, name, label, state, hint: joinHints(hint, again), value: props.value });
  return (
    <FieldShell p={{ ...props, hint: joinHints(hint, again) }} id={parts.id} error={parts.error}>
      <input {...attrs} {...parts.aria} id={parts.id} name={name} value={parts.value ?? ''} />
    </FieldShell>
  );
}

type AreaAttrs = Omit<JSX.IntrinsicElements['textarea'], 'id' | 'name' | 'value' | 'label' | 'form' | 'class'>;

/** A labelled textarea. */
export function TextAreaField(props: FieldProps & AreaAttrs) {
  const { form, name, label, state, hint, value: _v, class: _c, ...attrs } = props;
  const parts = fieldParts({ form, name, label, state, hint, value: props.value });
  return (
    <FieldShell p={props} id={parts.id} error={parts.error}>
      <textarea {...attrs} {...parts.aria} id={parts.id} name={name}>
        {parts.value ?? ''}
      </textarea>
    </FieldShell>
  );
}

type SelectAttrs = Omit<JSX.IntrinsicElements['select'], 'id' | 'name' | 'value' | 'label' | 'form' | 'class'>;

/** A labelled select; the submitted (or given) value is the selected option. */
export function SelectField(
  props: FieldProps & SelectAttrs & { options: readonly { value: string | number; label: string }[] },
) {
  const { form, name, label, state, hint, value: _v, class: _c, options, ...attrs } = props;
  const parts = fieldParts({ form, name, label, state, hint, value: props.value });
  return (
    <FieldShell p={props} id={parts.id} error={parts.error}>
      <select {...attrs} {...parts.aria} id={parts.id} name={name}>
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={String(o.value) === parts.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** A file input (its bytes cannot be kept by a page: after a refusal the hint says to choose the file again). */
export function FileField(props: FieldProps & InputAttrs) {
  const { form, name, label, state, hint, value: _v, class: _c, ...attrs } = props;
  const again = refusedHere(props) ? t('form.chooseFileAgain') : undefined;
  const parts = fieldParts({ form, name, label, state, hint: joinHints(hint, again) });
  return (
    <FieldShell p={{ ...props, hint: joinHints(hint, again) }} id={parts.id} error={parts.error}>
      <input {...attrs} {...parts.aria} id={parts.id} name={name} type="file" />
    </FieldShell>
  );
}

/**
 * A labelled checkbox; after a refused submit it is ticked as it was sent (an unticked box sends nothing), else as
 * `checked` says.
 */
export function CheckboxField(props: Omit<FieldProps, 'value'> & { checked?: boolean; value?: string } & InputAttrs) {
  const { form, name, label, state, hint, value = '1', checked, class: _c, ...attrs } = props;
  const parts = fieldParts({ form, name, label, state, hint });
  const ticked = refusedHere(props) ? state?.values[name] === value : checked === true;
  return (
    <div class={props.class ? `field field--check ${props.class}` : 'field field--check'}>
      <label for={parts.id}>
        <input {...attrs} {...parts.aria} id={parts.id} name={name} type="checkbox" value={value} checked={ticked} />{' '}
        {label}
      </label>
      {hint && (
        <p class="field__hint" id={`${parts.id}-hint`}>
          {hint}
        </p>
      )}
      {parts.error && (
        <p class="field__error" id={`${parts.id}-error`}>
          {parts.error}
        </p>
      )}
    </div>
  );
}

/**
 * A group of radio buttons under a legend; the first button carries the field's id (the summary links to it), the
 * submitted (or given) value is the one checked.
 */
export function RadioField(
  props: FieldProps & { options: readonly { value: string; label: string }[]; required?: boolean },
) {
  const { form, name, label, state, hint, options, required } = props;
  const parts = fieldParts({ form, name, label, state, hint, value: props.value });
  return (
    <fieldset class={props.class ? `field ${props.class}` : 'field'}>
      <legend>{label}</legend>
      {options.map((o, i) => (
        <label class="choice" key={o.value}>
          <input
            type="radio"
            id={i === 0 ? parts.id : `${parts.id}-${o.value}`}
            name={name}
            value={o.value}
            checked={parts.value === o.value}
            required={required}
            {...parts.aria}
          />{' '}
          {o.label}
        </label>
      ))}
      {hint && (
        <p class="field__hint" id={`${parts.id}-hint`}>
          {hint}
        </p>
      )}
      {parts.error && (
        <p class="field__error" id={`${parts.id}-error`}>
          {parts.error}
        </p>
      )}
    </fieldset>
  );
}

/** The submit button ("primary" by default; "danger" for destructive actions; "plain" for secondary ones). */
export function Submit({
  label,
  kind = 'primary',
  ...attrs
}: { label: ComponentChildren; kind?: 'primary' | 'danger' | 'plain' } & Omit<
  JSX.IntrinsicElements['button'],
  'label' | 'class' | 'type'
>) {
  return (
    <button {...attrs} type="submit" class={kind === 'plain' ? 'button' : `button button--${kind}`}>
      {label}
    </button>
  );
}
