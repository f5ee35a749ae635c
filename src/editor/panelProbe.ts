// The internal command layerLens._panelState, for integration tests: what the panel has received
// from its webview so far. Tests await the real events it reports instead of sleeping.
import type { PanelState } from './panel';
import type { LayerPanelController } from './panelController';

/** What `layerLens._panelState` accepts. */
export interface PanelProbeArgs {
  /** Resolve once the webview reports its (n+1)-th drawn view. */
  renderedAfter?: number;
  /** With `renderedAfter`: wait for that drawn view to be of this layer. */
  layerId?: string;
  /** Resolve once the webview sends its (n+1)-th UI state report. */
  uiReportsAfter?: number;
  /** Answer for the panel closed last. */
  closed?: boolean;
}

/** The answer of layerLens._panelState (registered by panelCommands.ts) over the controller's open (or last closed) panel. */
export function panelProbeAnswer(controller: LayerPanelController, args?: PanelProbeArgs): Promise<PanelState | null> | PanelState | null {
  if (args?.closed) return controller.lastClosed()?.state() ?? null;
  const current = controller.current();
  if (!current) return null;
  if (typeof args?.uiReportsAfter === 'number') {
    const after = args.uiReportsAfter;
    return current.stateWhen((s) => !s.open || s.uiReports > after);
  }
  if (!args || typeof args.renderedAfter !== 'number') return current.state();
  const after = args.renderedAfter;
  return current.stateWhen((s) => !s.open || ((s.rendered?.count ?? 0) > after && (args.layerId === undefined || s.rendered?.layerId === args.layerId)));
}
