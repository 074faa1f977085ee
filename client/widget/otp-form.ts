// The inline step-up under the agent's "confirm it's you" message: ask for an
// emailed code, type it in. What the server answers (masked email, expiry,
// attempts left, cooldown) is shown as is. After a good code the server
// resumes the customer's question itself; the answer arrives as a new part.
import { h, timeOf } from './dom.ts';
import { MessengerApiError, messageOf, type MessengerApi, type OtpChallenge } from './messenger-api.ts';

let formCount = 0;

export class OtpForm {
  readonly element: HTMLDivElement;
  private challenge: OtpChallenge | null = null;
  private verified = false;
  private busy = false;
  private error: string | null = null;
  private readonly inputId = `pb-otp-${++formCount}`;
  private input: HTMLInputElement | null = null;

  constructor(
    private readonly api: MessengerApi,
    private readonly conversationId: string,
  ) {
    this.element = h('div', { class: 'pb-action', 'data-action': 'verify_email' });
    this.render();
  }

  private async requestCode() {
    this.busy = true;
    this.error = null;
    this.render();
    try {
      this.challenge = await this.api.requestOtp(this.conversationId);
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = false;
      this.render();
      this.input?.focus();
    }
  }

  private async verify(code: string) {
    if (!this.challenge) return;
    this.busy = true;
    this.error = null;
    this.render();
    try {
      await this.api.verifyOtp(this.conversationId, code.trim());
      this.verified = true;
    } catch (error) {
      if (error instanceof MessengerApiError && error.code === 'otp_already_verified') this.verified = true;
      else {
        this.error = messageOf(error);
        if (error instanceof MessengerApiError && error.details.attempts_left !== undefined) this.challenge = { ...this.challenge, attempts_left: error.details.attempts_left };
        if (error instanceof MessengerApiError && error.details.expires_at) this.challenge = { ...this.challenge, expires_at: error.details.expires_at };
      }
    } finally {
      this.busy = false;
      this.render();
      if (!this.verified) {
        this.input?.focus();
        this.input?.select();
      }
    }
  }

  private render() {
    const children: (Node | string)[] = [];
    if (this.verified) {
      children.push(h('p', { class: 'pb-verified', role: 'status' }, ['✓ Verified. Thanks, one moment while I look that up.']));
    } else if (!this.challenge) {
      children.push(
        h('p', {}, ['We will email you a 6-digit code to confirm it is you.']),
        h('div', { class: 'pb-row' }, [
          h('button', { type: 'button', class: 'pb-btn', disabled: this.busy, onclick: () => void this.requestCode() }, [this.busy ? 'Sending…' : 'Send me a code']),
        ]),
      );
    } else {
      const challenge = this.challenge;
      const input = h('input', {
        id: this.inputId,
        class: 'pb-code',
        type: 'text',
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
        maxlength: '10',
        'aria-describedby': `${this.inputId}-hint`,
        disabled: this.busy || challenge.attempts_left === 0,
      });
      this.input = input;
      const resendAt = new Date(challenge.resend_available_at).getTime();
      children.push(
        h('p', {}, [`We sent a code to ${challenge.email}.`]),
        h('form', {
          class: 'pb-row',
          onsubmit: (event: Event) => {
            event.preventDefault();
            if (input.value.trim()) void this.verify(input.value);
          },
        }, [
          h('label', { for: this.inputId, class: 'pb-sr' }, ['Verification code']),
          input,
          h('button', { type: 'submit', class: 'pb-btn', disabled: this.busy || challenge.attempts_left === 0 }, [this.busy ? 'Checking…' : 'Verify']),
        ]),
        h('p', { class: 'pb-hint', id: `${this.inputId}-hint`, 'data-otp-hint': true }, [
          `${challenge.attempts_left} ${challenge.attempts_left === 1 ? 'attempt' : 'attempts'} left · expires at ${timeOf(challenge.expires_at)}`,
        ]),
        h('div', { class: 'pb-row' }, [
          h('button', {
            type: 'button',
            class: 'pb-link',
            disabled: this.busy,
            onclick: () => {
              if (Date.now() < resendAt) {
                this.error = `You can ask for a new code at ${timeOf(challenge.resend_available_at)}.`;
                this.render();
              } else void this.requestCode();
            },
          }, ['Send a new code']),
        ]),
      );
    }
    if (this.error) children.push(h('p', { class: 'pb-error-text', role: 'alert' }, [this.error]));
    this.element.replaceChildren(...children);
  }
}
