// The widget's whole stylesheet, inside its shadow root. The host page's rules
// do not reach in, but inherited properties (font, colour, line height) would
// flow in from the host element, so the root sets every one of them itself,
// and sizes are in px: a host page's `html { font-size }` changes rem.
export const WIDGET_CSS = `
:host { all: initial; }
.pb-root, .pb-root * { box-sizing: border-box; }
.pb-root {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; line-height: 20px; font-weight: 400; font-style: normal; letter-spacing: normal;
  text-align: left; text-transform: none; text-decoration: none; text-indent: 0; text-shadow: none;
  color: #1f2430; word-spacing: normal; white-space: normal; direction: ltr; visibility: visible;
  cursor: auto;
}
/* :where() keeps this reset weaker than every rule below. */
:where(.pb-root) :where(button, textarea, input) {
  font: inherit; color: inherit; letter-spacing: inherit; text-transform: none; margin: 0;
}
.pb-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.pb-launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px; height: 56px; border-radius: 28px;
  border: none; padding: 0; background: #3b5bdb; color: #ffffff; cursor: pointer; display: flex; align-items: center; justify-content: center;
  box-shadow: 0 4px 16px rgba(20, 30, 60, 0.28);
}
.pb-launcher:hover { background: #364fc7; }
.pb-launcher svg { width: 26px; height: 26px; display: block; fill: currentColor; }
.pb-root :focus { outline: none; }
.pb-root :focus-visible { outline: 3px solid #d9480f; outline-offset: 2px; }
.pb-header :focus-visible { outline-color: #ffffff; }
.pb-panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 370px; max-width: calc(100vw - 24px);
  height: 560px; max-height: calc(100vh - 110px); max-height: calc(100dvh - 110px); display: flex; flex-direction: column; overflow: hidden;
  background: #ffffff; border-radius: 14px; border: 1px solid #dfe3ec; box-shadow: 0 12px 40px rgba(20, 30, 60, 0.24);
}
.pb-panel[hidden] { display: none; }
.pb-header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px; background: #3b5bdb; color: #ffffff; }
.pb-title { margin: 0; flex: 1; font-size: 16px; line-height: 22px; font-weight: 600; color: #ffffff; }
.pb-header button {
  border: 1px solid rgba(255,255,255,0.5); background: transparent; color: #ffffff; border-radius: 8px; padding: 4px 10px; cursor: pointer; font-size: 13px;
}
.pb-header button:hover { background: rgba(255,255,255,0.15); }
.pb-header .pb-close { font-size: 20px; line-height: 20px; padding: 4px 8px; }
.pb-status { padding: 6px 16px; font-size: 12px; background: #fff4e6; color: #8a4b00; }
.pb-status:empty { display: none; }
.pb-log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 10px; background: #f7f8fb; }
.pb-empty { margin: auto 0; text-align: center; color: #5c6370; }
.pb-empty strong { display: block; font-size: 16px; margin-bottom: 4px; color: #1f2430; }
.pb-msg { display: flex; flex-direction: column; max-width: 85%; align-self: flex-start; }
.pb-msg[data-author="customer"] { align-self: flex-end; align-items: flex-end; }
.pb-author { font-size: 11px; line-height: 14px; color: #5c6370; margin: 0 4px 2px; }
.pb-bubble { padding: 8px 12px; border-radius: 14px; background: #ffffff; border: 1px solid #e3e6ee; color: #1f2430; white-space: pre-wrap; overflow-wrap: anywhere; }
.pb-msg[data-author="customer"] .pb-bubble { background: #3b5bdb; border-color: #3b5bdb; color: #ffffff; }
.pb-msg[data-status="sending"] .pb-bubble { opacity: 0.65; }
.pb-msg[data-status="failed"] .pb-bubble { background: #fff5f5; border-color: #e03131; color: #1f2430; }
.pb-meta { font-size: 11px; line-height: 14px; color: #5c6370; margin: 2px 4px 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; justify-content: flex-end; }
.pb-meta .pb-failed { color: #c92a2a; }
.pb-link { border: none; background: none; padding: 0; color: #364fc7; text-decoration: underline; cursor: pointer; font-size: 12px; }
.pb-action { margin-top: 8px; padding: 10px 12px; border-radius: 12px; background: #ffffff; border: 1px solid #d0d7f0; display: flex; flex-direction: column; gap: 8px; }
.pb-action p { margin: 0; }
.pb-row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.pb-btn { border: 1px solid #3b5bdb; background: #3b5bdb; color: #ffffff; border-radius: 8px; padding: 6px 12px; cursor: pointer; font-weight: 600; }
.pb-btn:hover { background: #364fc7; }
.pb-btn.pb-secondary { background: #ffffff; color: #3b5bdb; }
.pb-btn:disabled { opacity: 0.55; cursor: default; }
.pb-code { width: 120px; padding: 6px 8px; border: 1px solid #aab2c5; border-radius: 8px; background: #ffffff; font-size: 16px; letter-spacing: 2px; }
.pb-hint { font-size: 12px; color: #5c6370; }
.pb-error-text { font-size: 13px; color: #c92a2a; }
.pb-verified { color: #2b8a3e; font-weight: 600; }
.pb-typing { padding: 0 16px 8px; background: #f7f8fb; font-size: 12px; color: #5c6370; display: flex; align-items: center; gap: 6px; }
.pb-typing[hidden] { display: none; }
.pb-dots span { display: inline-block; width: 6px; height: 6px; border-radius: 3px; background: #8a93a6; margin-right: 3px; animation: pb-blink 1.2s infinite both; }
.pb-dots span:nth-child(2) { animation-delay: 0.2s; }
.pb-dots span:nth-child(3) { animation-delay: 0.4s; }
@keyframes pb-blink { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .pb-dots span { animation: none; } }
.pb-alert { padding: 8px 16px; font-size: 13px; background: #fff5f5; color: #c92a2a; border-top: 1px solid #ffc9c9; display: flex; gap: 8px; align-items: center; }
.pb-alert:empty { display: none; }
.pb-alert .pb-link { white-space: nowrap; }
.pb-composer { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #e3e6ee; background: #ffffff; align-items: flex-end; }
.pb-input { flex: 1; resize: none; min-height: 40px; max-height: 120px; padding: 9px 10px; border: 1px solid #aab2c5; border-radius: 10px; background: #ffffff; color: #1f2430; line-height: 20px; }
.pb-send { border: none; background: #3b5bdb; color: #ffffff; border-radius: 10px; padding: 0 16px; height: 40px; cursor: pointer; font-weight: 600; }
.pb-send:disabled { opacity: 0.55; cursor: default; }
/* Phones: the panel takes the width of the screen, with the same margin on both sides. */
@media (max-width: 480px) {
  .pb-launcher { right: 12px; bottom: 12px; }
  .pb-panel { left: 8px; right: 8px; width: auto; max-width: none; bottom: 76px; max-height: calc(100vh - 84px); max-height: calc(100dvh - 84px); }
}
`;
