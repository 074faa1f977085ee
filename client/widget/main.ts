// The messenger widget's entry: `<script src="<patchbay>/messenger/widget.js" async>`.
// The host page calls `Patchbay(command, ...args)`; calls made before this
// script loaded were queued by the stub snippet and are replayed here:
//
//   window.Patchbay = window.Patchbay || function () { (Patchbay.q = Patchbay.q || []).push(arguments) };
//   Patchbay('boot', { workspace_id: '1', user_jwt: '<signed on your server>' });
import { MessengerWidget, type ClientFunction, type HandoffPayload, type HostHooks } from './messenger-widget.ts';
import type { BootOptions } from './session-store.ts';

type PatchbayFunction = ((command: string, ...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; loaded?: boolean };

declare global {
  interface Window {
    Patchbay?: PatchbayFunction;
  }
}

// Where this script came from is the Patchbay server to talk to (including a
// path prefix when Patchbay sits behind a proxy under one).
function serverBase(): string {
  const current = document.currentScript as HTMLScriptElement | null;
  const src =
    current?.src ||
    Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]'))
      .map((s) => s.src)
      .find((s) => /\/messenger\/widget\.js(?:[?#]|$)/.test(s));
  if (!src) return window.location.origin;
  const url = new URL(src, window.location.href);
  return `${url.origin}${url.pathname.replace(/\/messenger\/widget\.js$/, '')}`;
}

function warn(message: string) {
  console.error(`Patchbay: ${message}`);
}

function install() {
  const existing = window.Patchbay;
  if (existing?.loaded) return; // the script was included twice
  const base = serverBase();
  const hooks: HostHooks = { clientFunctions: new Map(), handoff: null };
  let widget: MessengerWidget | null = null;

  const run = (command: unknown, args: unknown[]) => {
    switch (command) {
      case 'boot': {
        const options = args[0] as BootOptions | undefined;
        if (!options || typeof options !== 'object' || (typeof options.workspace_id !== 'string' && typeof options.workspace_id !== 'number')) {
          return warn("boot needs an options object with workspace_id, like Patchbay('boot', { workspace_id: '1' })");
        }
        widget?.destroy();
        widget = new MessengerWidget(base, options, hooks);
        return;
      }
      case 'shutdown':
        widget?.destroy({ forget: true });
        widget = null;
        return;
      case 'show':
        return widget ? widget.show() : warn("call Patchbay('boot', ...) before 'show'");
      case 'hide':
        return widget?.hide();
      case 'registerClientFunction': {
        const [name, fn] = args;
        if (typeof name !== 'string' || name === '' || typeof fn !== 'function') return warn("registerClientFunction needs a name and a function: Patchbay('registerClientFunction', 'name', fn)");
        hooks.clientFunctions.set(name, fn as ClientFunction);
        return;
      }
      case 'onHandoff': {
        const [fn] = args;
        if (typeof fn !== 'function' && fn !== null) return warn("onHandoff needs a function: Patchbay('onHandoff', (handoff) => { ... })");
        hooks.handoff = fn as ((payload: HandoffPayload) => unknown) | null;
        return;
      }
      default:
        warn(`unknown command ${JSON.stringify(command)}; use boot, shutdown, show, hide, registerClientFunction or onHandoff`);
    }
  };

  const patchbay: PatchbayFunction = (command: string, ...args: unknown[]) => {
    try {
      run(command, args);
    } catch (error) {
      warn(`${String(command)} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  patchbay.loaded = true;
  const queued = existing?.q ? Array.from(existing.q) : [];
  window.Patchbay = patchbay;
  for (const call of queued) {
    const [command, ...args] = Array.from(call);
    patchbay(command as string, ...args);
  }
}

install();
