import { useEffect, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface ModalDialogProps {
  labelledBy: string;
  describedBy?: string;
  onClose(): void;
  // Where focus goes back to when the element focused before the dialog opened is gone.
  returnFocus(): HTMLElement | null;
  // The element focused when the dialog opens; the first focusable one otherwise.
  initialFocus?: () => HTMLElement | null;
  className?: string;
  testId?: string;
  children: ReactNode;
}

// A modal dialog: rendered at the end of <body>, everything else made inert
// while it is open (so neither Tab nor a screen reader's virtual cursor leaves
// it), Escape closes it and focus returns where it came from.
export function ModalDialog({ labelledBy, describedBy, onClose, returnFocus, initialFocus, className, testId, children }: ModalDialogProps) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement | null>(null);
  const returnFocusRef = useRef(returnFocus);
  returnFocusRef.current = returnFocus;

  if (hostRef.current === null && typeof document !== 'undefined') {
    hostRef.current = document.createElement('div');
    hostRef.current.className = 'modal-host';
  }

  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const before = document.activeElement;
    const previouslyFocused = before instanceof HTMLElement && before !== document.body ? before : null;
    document.body.appendChild(host);
    const madeInert: Element[] = [];
    for (const sibling of Array.from(document.body.children)) {
      // Live regions (toasts) stay outside the inert area so announcements still reach screen readers.
      if (sibling === host || sibling.hasAttribute('inert') || sibling.hasAttribute('data-keep-live') || sibling.tagName === 'SCRIPT') continue;
      sibling.setAttribute('inert', '');
      madeInert.push(sibling);
    }
    return () => {
      for (const element of madeInert) element.removeAttribute('inert');
      host.remove();
      const target = previouslyFocused?.isConnected ? previouslyFocused : returnFocusRef.current();
      if (target && target.isConnected) target.focus();
    };
  }, []);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const first = initialFocus?.() ?? dialog.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? dialog).focus();
    // Only on open: later renders must not pull focus back to the first field.
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      // The inbox behind has its own Escape handling; this press belongs to the dialog.
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab') return;
    const dialog = dialogRef.current;
    if (!dialog) return;
    const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    if (event.shiftKey && (document.activeElement === first || document.activeElement === dialog)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  if (!hostRef.current) return null;
  return createPortal(
    <div className="modal-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className={`modal ${className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        {children}
      </div>
    </div>,
    hostRef.current,
  );
}
