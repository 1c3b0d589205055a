/** The part of Chromium's BeforeInstallPromptEvent we use (not in TypeScript's DOM library). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

/**
 * 添加到桌面: the button opens the browser's own install prompt when the browser offered one; otherwise
 * (Safari, Firefox, already installed, not yet eligible) it reveals the server-rendered manual instructions.
 */
export function initInstallPrompt(): void {
  const section = document.querySelector<HTMLElement>('[data-install-prompt]');
  if (!section) return;
  const button = section.querySelector<HTMLButtonElement>('[data-install-button]');

  const standalone = window.matchMedia('(display-mode: standalone)');
  const hide = () => {
    section.hidden = true;
  };
  // Inside the installed app, an invitation to install it is noise.
  if (standalone.matches) hide();
  standalone.addEventListener('change', (e) => {
    if (e.matches) hide();
  });

  let deferred: BeforeInstallPromptEvent | null = null;
  const forget = () => {
    deferred = null;
    delete section.dataset.installReady;
  };

  window.addEventListener('beforeinstallprompt', (event) => {
    // Keep the browser's mini-infobar away; the prompt opens when the reader asks for it.
    event.preventDefault();
    deferred = event as BeforeInstallPromptEvent;
    section.dataset.installReady = 'true';
  });
  window.addEventListener('appinstalled', () => {
    forget();
    hide();
  });

  button?.addEventListener('click', async () => {
    const event = deferred;
    if (!event) {
      showManual(section, button);
      return;
    }
    // A captured event can prompt only once; a later one arrives if the browser offers again.
    forget();
    try {
      await event.prompt();
      const choice = await event.userChoice;
      if (choice.outcome === 'accepted') hide();
    } catch {
      showManual(section, button);
    }
  });
}

/** Reveals the manual steps, creating the paragraph from the button's hint if the markup lacks it. */
function showManual(section: HTMLElement, button: HTMLButtonElement): void {
  let manual = section.querySelector<HTMLElement>('[data-install-manual]');
  if (!manual) {
    manual = document.createElement('p');
    manual.setAttribute('data-install-manual', '');
    button.after(manual);
  }
  if (!manual.textContent?.trim()) manual.textContent = button.dataset.manualHint ?? '';
  // Announce the text that appears where the reader's attention already is.
  manual.setAttribute('role', 'status');
  manual.hidden = false;
}
