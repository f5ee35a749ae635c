// <ll-controls>: play/pause, step back/forward, speed, a scrubber and the "3 / 16" step counter.
// It owns no state: the app sets `step`, `count`, `playing` and listens for `ll-control` events.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { el } from './dom';

/** What the user asked the controls for. */
export type ControlAction = { action: 'play' | 'pause' | 'back' | 'forward' } | { action: 'seek'; step: number } | { action: 'speed'; speed: number };

/** Event name of control actions. */
export const CONTROL_EVENT = 'll-control';

const SPEEDS = [0.5, 1, 2, 4, 8, 16];

/** The playback controls element. */
export class LlControls extends HTMLElement {
  private readonly back = el('vscode-button' as 'button', 'll-back');
  private readonly play = el('vscode-button' as 'button', 'll-play');
  private readonly forward = el('vscode-button' as 'button', 'll-forward');
  private readonly scrubber = el('input', 'll-range ll-scrubber');
  private readonly speedSelect = el('vscode-single-select' as 'div', 'll-speed') as unknown as HTMLElement & { value: string };
  private readonly counter = el('output', 'll-counter');
  private isPlaying = false;

  connectedCallback(): void {
    if (this.childElementCount) return;
    this.setAttribute('role', 'toolbar');
    this.setAttribute('aria-label', 'Animation');
    this.back.textContent = '◀ Step';
    this.back.setAttribute('aria-label', 'Previous step (Left arrow)');
    this.forward.textContent = 'Step ▶';
    this.forward.setAttribute('aria-label', 'Next step (Right arrow)');
    this.play.setAttribute('aria-label', 'Play or pause (Space)');
    this.scrubber.type = 'range';
    this.scrubber.min = '0';
    this.scrubber.setAttribute('aria-label', 'Step');
    for (const s of SPEEDS) {
      const option = el('vscode-option' as 'option', '', `${s}× speed`);
      option.setAttribute('value', String(s));
      this.speedSelect.append(option);
    }
    this.speedSelect.setAttribute('aria-label', 'Steps per second');
    this.counter.setAttribute('aria-live', 'off');
    this.append(this.back, this.play, this.forward, this.scrubber, this.counter, this.speedSelect);
    const emit = (detail: ControlAction) => this.dispatchEvent(new CustomEvent<ControlAction>(CONTROL_EVENT, { detail, bubbles: true }));
    this.back.addEventListener('click', () => emit({ action: 'back' }));
    this.forward.addEventListener('click', () => emit({ action: 'forward' }));
    this.play.addEventListener('click', () => emit({ action: this.isPlaying ? 'pause' : 'play' }));
    this.scrubber.addEventListener('input', () => emit({ action: 'seek', step: Number(this.scrubber.value) }));
    this.speedSelect.addEventListener('change', () => emit({ action: 'speed', speed: Number(this.speedSelect.value) }));
    this.update(0, 1, false, 2);
  }

  /** Shows the current step of `count`, the play state and the speed. */
  update(step: number, count: number, playing: boolean, speed: number): void {
    this.isPlaying = playing;
    this.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
    this.scrubber.max = String(Math.max(0, count - 1));
    this.scrubber.value = String(step);
    this.counter.textContent = `${step + 1} / ${count}`;
    const nearest = SPEEDS.reduce((a, b) => (Math.abs(b - speed) < Math.abs(a - speed) ? b : a));
    this.speedSelect.value = String(nearest);
  }
}

customElements.define('ll-controls', LlControls);
