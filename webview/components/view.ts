// The contract between the app shell and each visualisation element.
import type { PanelLayer, DilationStack } from '../../src/analysis/panelModel';
import type { UiState } from '../../src/shared/protocol';
import type { Palette } from '../render/palette';

/** What a view is given to show. */
export interface ViewInput {
  layer: PanelLayer;
  /** The model's causal stack, for the dilation view. */
  dilation: DilationStack | null;
  ui: UiState;
}

/** Drawing settings shared by all views. */
export interface DrawSettings {
  palette: Palette;
  presenter: boolean;
  /** Line width for outlines and highlights, thicker in presenter mode. */
  stroke: number;
  /** Font size for numbers on the canvas. */
  font: number;
}

/** A visualisation: computes with tfjs once per input, then draws any step quickly. */
export interface AnimatedView extends HTMLElement {
  /** Computes everything the steps need; resolves when the first frame can be drawn. */
  load(input: ViewInput): Promise<void>;
  /** Number of animation steps (at least 1). */
  readonly stepCount: number;
  /** Draws one step. Must be fast: it runs on every animation frame. */
  draw(step: number, settings: DrawSettings): void;
  /** A sentence for screen readers describing this step. */
  describe(step: number): string;
}

/** Event a view dispatches when the user picks an output unit or query row by clicking. */
export const UNIT_EVENT = 'll-unit';

/** Detail of UNIT_EVENT. */
export interface UnitDetail {
  unit: number[];
  /** The step that shows this unit, when the view can jump to it. */
  step: number | null;
}
