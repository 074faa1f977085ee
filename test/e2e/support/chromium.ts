// The one browser the suite drives: the system Chromium, through playwright-core
// (which downloads no browser of its own).
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PATCHBAY_E2E_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export const DESKTOP = { width: 1280, height: 800 };
export const NARROW = { width: 400, height: 800 };

export function chromiumMissingMessage(): string {
  return (
    `The browser tests need Chromium at ${CHROMIUM_PATH}, and it is not there. Install it with\n` +
    '  sudo apt-get update && sudo apt-get install -y chromium\n' +
    '(or set PATCHBAY_E2E_CHROMIUM to the path of a Chromium or Chrome binary).'
  );
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(chromiumMissingMessage());
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}
