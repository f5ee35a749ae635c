// The benchmark's plots: SVG written here, rendered to PNG by Debian's Chromium (playwright-core,
// no network) so docs/benchmarks.md can embed them. Two kinds suffice: a scatter with a fitted
// line (growth with size) and horizontal grouped bars on a log axis (timings per file or model).
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';
const COLOURS = ['#3b7dd8', '#e8833a', '#4caf50', '#b04ec0', '#888888'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A scatter of points with error bars and a fitted line. */
export function scatterWithFit(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  points: { x: number; y: number; lo: number; hi: number }[];
  fit: { slope: number; intercept: number };
  note: string;
}): string {
  const W = 760;
  const H = 440;
  const L = 80;
  const R = 30;
  const T = 50;
  const B = 70;
  const xMax = Math.max(...o.points.map((p) => p.x)) * 1.05;
  const yMax = Math.max(...o.points.map((p) => p.hi), o.fit.slope * xMax + o.fit.intercept) * 1.1;
  const sx = (x: number) => L + (x / xMax) * (W - L - R);
  const sy = (y: number) => H - B - (y / yMax) * (H - T - B);
  const ticks = (max: number) => {
    const step = 10 ** Math.floor(Math.log10(max / 4));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => max / s <= 8) ?? step * 10;
    return Array.from({ length: Math.floor(max / nice) + 1 }, (_, i) => i * nice);
  };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" ${FONT} font-size="13">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(o.title)}</text>`,
  ];
  for (const t of ticks(xMax)) parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${T}" y2="${H - B}" stroke="#eee"/><text x="${sx(t)}" y="${H - B + 18}" text-anchor="middle">${t.toLocaleString('en')}</text>`);
  for (const t of ticks(yMax)) parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${L - 8}" y="${sy(t) + 4}" text-anchor="end">${t.toLocaleString('en')}</text>`);
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - B + 42}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(20 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  // A negative intercept starts the line where it crosses zero, not below the axis.
  const x0 = o.fit.intercept < 0 && o.fit.slope > 0 ? -o.fit.intercept / o.fit.slope : 0;
  parts.push(`<line x1="${sx(x0)}" y1="${sy(o.fit.slope * x0 + o.fit.intercept)}" x2="${sx(xMax)}" y2="${sy(o.fit.slope * xMax + o.fit.intercept)}" stroke="${COLOURS[1]}" stroke-width="2" stroke-dasharray="6 4"/>`);
  for (const p of o.points) {
    parts.push(`<line x1="${sx(p.x)}" x2="${sx(p.x)}" y1="${sy(p.lo)}" y2="${sy(p.hi)}" stroke="${COLOURS[0]}" stroke-width="2"/>`);
    parts.push(`<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="5" fill="${COLOURS[0]}"/>`);
  }
  parts.push(`<text x="${L + 10}" y="${T + 16}" fill="${COLOURS[1]}">${escapeXml(o.note)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Horizontal grouped bars on a log axis, with an optional budget line per row. */
export function groupedBars(o: {
  title: string;
  unit: string;
  series: string[];
  rows: { label: string; values: (number | null)[]; budget?: number | null }[];
}): string {
  const rowH = 14 * o.series.length + 12;
  const L = 300;
  const R = 90;
  const T = 70;
  const W = 980;
  const H = T + rowH * o.rows.length + 50;
  const all = o.rows.flatMap((r) => [...r.values, r.budget ?? null]).filter((v): v is number => v !== null && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const sx = (v: number) => L + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (W - L - R);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" ${FONT} font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(o.title)}</text>`,
  ];
  o.series.forEach((s, i) => parts.push(`<rect x="${L + i * 190}" y="38" width="12" height="12" fill="${COLOURS[i]}"/><text x="${L + i * 190 + 18}" y="48">${escapeXml(s)}</text>`));
  if (o.rows.some((r) => r.budget)) parts.push(`<line x1="${L + o.series.length * 190}" x2="${L + o.series.length * 190 + 14}" y1="44" y2="44" stroke="#d00" stroke-width="2"/><text x="${L + o.series.length * 190 + 20}" y="48">budget</text>`);
  for (let d = lo; d <= hi; d *= 10) parts.push(`<line x1="${sx(d)}" x2="${sx(d)}" y1="${T - 6}" y2="${H - 40}" stroke="#ddd"/><text x="${sx(d)}" y="${H - 24}" text-anchor="middle">${d.toLocaleString('en')} ${escapeXml(o.unit)}</text>`);
  o.rows.forEach((r, i) => {
    const y = T + i * rowH;
    parts.push(`<text x="${L - 8}" y="${y + rowH / 2 + 2}" text-anchor="end">${escapeXml(r.label)}</text>`);
    r.values.forEach((v, j) => {
      if (v === null || !(v > 0)) return;
      parts.push(`<rect x="${L}" y="${y + j * 14 + 4}" width="${Math.max(1, sx(v) - L)}" height="12" fill="${COLOURS[j]}"/>`);
      parts.push(`<text x="${sx(v) + 4}" y="${y + j * 14 + 14}" font-size="11">${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}</text>`);
    });
    if (r.budget) parts.push(`<line x1="${sx(r.budget)}" x2="${sx(r.budget)}" y1="${y + 2}" y2="${y + rowH - 4}" stroke="#d00" stroke-width="2"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Renders SVG documents to PNG files with headless Chromium. */
export async function renderPngs(charts: { svg: string; file: string }[]): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const { svg, file } of charts) {
      writeFileSync(file.replace(/\.png$/, '.svg'), svg);
      const width = Number(/width="(\d+)"/.exec(svg)![1]);
      const height = Number(/height="(\d+)"/.exec(svg)![1]);
      await page.setViewportSize({ width, height });
      await page.setContent(`<!DOCTYPE html><html><body style="margin:0">${svg}</body></html>`);
      await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height } });
    }
  } finally {
    await browser.close();
  }
}
