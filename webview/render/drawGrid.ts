// Canvas drawing of numeric grids (input, kernel, output) with per-cell highlights. The layout
// maths (cell rectangles) is separate from the fills so tests can find a cell's pixel.
import { formatValue, signedFill, type Palette } from './palette';

/** Where a grid is drawn and how big its cells are, in CSS pixels. */
export interface GridLayout {
  x: number;
  y: number;
  cell: number;
  rows: number;
  cols: number;
}

/** The rectangle of cell (r, c). */
export function cellRect(l: GridLayout, r: number, c: number): { x: number; y: number; w: number; h: number } {
  return { x: l.x + c * l.cell, y: l.y + r * l.cell, w: l.cell, h: l.cell };
}

/** The cell under a point, or null. */
export function cellAt(l: GridLayout, px: number, py: number): [number, number] | null {
  const c = Math.floor((px - l.x) / l.cell);
  const r = Math.floor((py - l.y) / l.cell);
  return r >= 0 && r < l.rows && c >= 0 && c < l.cols ? [r, c] : null;
}

/** Options of one grid draw. */
export interface GridDraw {
  values: (number | null)[][];
  /** Divides values before colouring; the largest |value| by default. */
  scale?: number;
  /** Cells outlined in the highlight colour. */
  highlighted?: Set<string>;
  /** Cells drawn as padding (dashed, outside the data). */
  showNumbers?: boolean;
  stroke: number;
  font: number;
}

/** Key of cell (r, c) in highlight sets. */
export function cellKey(r: number, c: number): string {
  return `${r},${c}`;
}

/** Draws a grid of values with signed colour fills, numbers when cells are big enough, and highlights. */
export function drawGrid(ctx: CanvasRenderingContext2D, p: Palette, l: GridLayout, d: GridDraw): void {
  const scale = d.scale ?? Math.max(1e-9, ...d.values.flat().map((v) => (v === null ? 0 : Math.abs(v))));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `${d.font}px ${p.monoFamily}`;
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const { x, y, w, h } = cellRect(l, r, c);
      const v = d.values[r]?.[c] ?? null;
      if (v !== null) {
        ctx.fillStyle = signedFill(p, v / scale);
        ctx.fillRect(x, y, w, h);
      }
      ctx.strokeStyle = p.grid;
      ctx.lineWidth = Math.max(0.5, d.stroke / 2);
      ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
      if (v !== null && d.showNumbers !== false && l.cell >= d.font * 1.4) {
        ctx.fillStyle = p.foreground;
        ctx.fillText(formatValue(v), x + w / 2, y + h / 2 + 1);
      }
    }
  }
  if (d.highlighted?.size) {
    ctx.strokeStyle = p.highlight;
    ctx.lineWidth = d.stroke;
    for (const key of d.highlighted) {
      const [r, c] = key.split(',').map(Number);
      const { x, y, w, h } = cellRect(l, r, c);
      ctx.strokeRect(x + d.stroke / 2, y + d.stroke / 2, w - d.stroke, h - d.stroke);
    }
  }
}
