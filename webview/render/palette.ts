// Colours for canvas drawing, read from the --vscode-* theme variables at draw time so a theme
// change (including high contrast) is followed on the next frame.

/** The colours a view draws with. */
export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  accent: string;
  highlight: string;
  positive: [number, number, number];
  negative: [number, number, number];
  heat: [number, number, number];
  /** True for high-contrast themes: strokes get thicker and fills stay opaque. */
  highContrast: boolean;
  /** Font families resolved from the theme (canvas fonts cannot use var()). */
  fontFamily: string;
  monoFamily: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

/** Parses `#rgb`, `#rrggbb(aa)` or `rgb(a)(…)` into [r, g, b]; unknown formats give the fallback. */
export function parseColour(value: string, fallback: [number, number, number]): [number, number, number] {
  const hex = value.match(/^#([0-9a-f]{3,8})$/i);
  if (hex) {
    const h = hex[1];
    if (h.length === 3 || h.length === 4) return [0, 1, 2].map((i) => parseInt(h[i] + h[i], 16)) as [number, number, number];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = value.match(/rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return fallback;
}

/** Reads the current theme's colours from the document. */
export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    background: cssVar(style, '--vscode-editor-background', '#1e1e1e'),
    foreground: cssVar(style, '--vscode-editor-foreground', '#d4d4d4'),
    muted: cssVar(style, '--vscode-descriptionForeground', '#9d9d9d'),
    grid: cssVar(style, highContrast ? '--vscode-contrastBorder' : '--vscode-editorWidget-border', '#555555'),
    accent: cssVar(style, '--vscode-focusBorder', '#007fd4'),
    highlight: cssVar(style, '--vscode-charts-orange', '#d18616'),
    positive: parseColour(cssVar(style, '--vscode-charts-blue', '#3794ff'), [55, 148, 255]),
    negative: parseColour(cssVar(style, '--vscode-charts-red', '#f14c4c'), [241, 76, 76]),
    heat: parseColour(cssVar(style, '--vscode-charts-yellow', '#cca700'), [204, 167, 0]),
    highContrast,
    fontFamily: cssVar(style, '--vscode-font-family', 'sans-serif'),
    monoFamily: cssVar(style, '--vscode-editor-font-family', 'monospace'),
  };
}

/** A fill for a signed value in [-1, 1]: the positive or negative chart colour with |v| as opacity. */
export function signedFill(p: Palette, v: number): string {
  const [r, g, b] = v >= 0 ? p.positive : p.negative;
  const a = Math.min(1, Math.abs(v));
  return `rgba(${r},${g},${b},${(p.highContrast ? 0.25 + 0.75 * a : 0.08 + 0.8 * a).toFixed(3)})`;
}

/** A fill for a magnitude in [0, 1] on the heat colour. */
export function heatFill(p: Palette, v: number): string {
  const [r, g, b] = p.heat;
  return `rgba(${r},${g},${b},${Math.max(0, Math.min(1, v)).toFixed(3)})`;
}

/** Formats a value for a grid cell: integers as-is, others with up to two decimals. */
export function formatValue(v: number): string {
  if (Object.is(v, -0)) return '0';
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
  return s.replace(/\.?0+$/, '') || '0';
}
