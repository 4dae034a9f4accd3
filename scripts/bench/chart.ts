/**
 * The chart of the report: median time against book size, one line per tool, on linear axes, so
 * that linear scaling reads as a straight line and a tool that slows down as the book grows bends
 * upwards. Ours in solid lines, the others dashed. Built as an SVG tree with hastscript's `s`
 * (SVG 1.1 attributes), serialised by hast-util-to-html: no string gluing.
 */
import { s } from 'hastscript';
import type { Element, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import type { ToolResult } from './results.ts';
import type { ToolId } from './tools.ts';
import { sizeLabel } from './sizes.ts';

const width = 920;
const height = 460;
const margin = { top: 48, right: 290, bottom: 56, left: 64 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

/** Colour-blind-safe palette (Okabe–Ito), one colour per tool. */
const colours: Record<ToolId, string> = {
  'book-check': '#999999',
  'book-html': '#0072B2',
  'book-epub': '#009E73',
  'book-pdf': '#D55E00',
  'pandoc-html': '#56B4E9',
  'pandoc-epub': '#66C2A5',
  'pagedjs-cli': '#E69F00',
  weasyprint: '#CC79A7',
  'book-html-warm': '#1F4E79',
  'book-epub-warm': '#00563F',
  typst: '#000000',
};

/** A round step for about `count` ticks up to `max` (1, 2 or 5 × 10ⁿ). */
export function niceStep(max: number, count = 5): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw);
  return step ?? 10 * power;
}

const fmtSeconds = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

export function timeChart(results: ToolResult[], sizes: number[]): Root {
  const measured = results.filter((r) => r.status === 'ok' && r.medianMs !== undefined);
  const maxWords = Math.max(...sizes);
  const maxSeconds = Math.max(1, ...measured.map((r) => r.medianMs! / 1000));
  const yStep = niceStep(maxSeconds);
  const yMax = Math.ceil(maxSeconds / yStep) * yStep;
  const x = (words: number) => margin.left + (words / maxWords) * plotWidth;
  const y = (secondsValue: number) => margin.top + plotHeight - (secondsValue / yMax) * plotHeight;

  const grid: Element[] = [];
  for (let value = 0; value <= yMax + 1e-9; value += yStep) {
    grid.push(
      s('line', { x1: margin.left, x2: margin.left + plotWidth, y1: y(value), y2: y(value), stroke: '#dddddd', strokeWidth: 1 }),
      s('text', { x: margin.left - 8, y: y(value) + 4, textAnchor: 'end', fontSize: 12 }, fmtSeconds(value)),
    );
  }
  for (const words of sizes) {
    grid.push(
      s('line', { x1: x(words), x2: x(words), y1: margin.top + plotHeight, y2: margin.top + plotHeight + 5, stroke: '#333333' }),
      s('text', { x: x(words), y: margin.top + plotHeight + 20, textAnchor: 'middle', fontSize: 12 }, sizeLabel(words)),
    );
  }

  const tools = [...new Map(measured.map((r) => [r.tool, r])).values()];
  const series: Element[] = [];
  const legend: Element[] = [];
  tools.forEach((tool, index) => {
    const points = measured
      .filter((r) => r.tool === tool.tool)
      .sort((a, b) => a.words - b.words)
      .map((r) => ({ x: x(r.words), y: y(r.medianMs! / 1000) }));
    const colour = colours[tool.tool];
    const dash = tool.side === 'theirs' ? '6 4' : undefined;
    const marks = points.map((p) => s('circle', { cx: p.x, cy: p.y, r: 4, fill: colour }));
    series.push(
      s('g', { dataTool: tool.tool }, [
        s('title', tool.label),
        ...(points.length > 1
          ? [s('polyline', { points: points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '), fill: 'none', stroke: colour, strokeWidth: 2.5, strokeDasharray: dash })]
          : []),
        ...marks,
      ]),
    );
    const ly = margin.top + 8 + index * 22;
    const lx = margin.left + plotWidth + 20;
    legend.push(
      s('line', { x1: lx, x2: lx + 28, y1: ly, y2: ly, stroke: colour, strokeWidth: 2.5, strokeDasharray: dash }),
      s('circle', { cx: lx + 14, cy: ly, r: 4, fill: colour }),
      s('text', { x: lx + 36, y: ly + 4, fontSize: 13 }, `${tool.label}${tool.side === 'ours' ? ' (ours)' : ''}`),
    );
  });

  // Tools with nothing to draw are named too, with why: none is left out silently.
  const unmeasured = [...new Map(results.filter((r) => !measured.some((m) => m.tool === r.tool)).map((r) => [r.tool, r])).values()];
  unmeasured.forEach((tool, index) => {
    const ly = margin.top + 8 + (tools.length + index) * 22 + 10;
    legend.push(s('text', { x: margin.left + plotWidth + 20, y: ly + 4, fontSize: 12, fill: '#777777' }, `${tool.label}: ${tool.status}`));
  });

  const svg = s(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', ariaLabelledby: 'chart-title chart-desc', fontFamily: 'sans-serif' },
    [
      s('title', { id: 'chart-title' }, 'Median time against book size'),
      s('desc', { id: 'chart-desc' }, 'One line per tool: seconds on the vertical axis, words on the horizontal axis. Solid lines are ours, dashed lines the tools a user would pick instead.'),
      s('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
      s('text', { x: margin.left, y: 24, fontSize: 16, fontWeight: 'bold' }, 'Median time against book size'),
      ...grid,
      s('line', { x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + plotHeight, stroke: '#333333' }),
      s('line', { x1: margin.left, x2: margin.left + plotWidth, y1: margin.top + plotHeight, y2: margin.top + plotHeight, stroke: '#333333' }),
      s('text', { x: margin.left + plotWidth / 2, y: height - 12, textAnchor: 'middle', fontSize: 13 }, 'words'),
      s('text', { x: 18, y: margin.top + plotHeight / 2, textAnchor: 'middle', fontSize: 13, transform: `rotate(-90 18 ${margin.top + plotHeight / 2})` }, 'seconds'),
      ...series,
      ...legend,
    ],
  );
  return { type: 'root', children: [svg] };
}

export function chartSvg(results: ToolResult[], sizes: number[]): string {
  return `${toHtml(timeChart(results, sizes), { space: 'svg' })}\n`;
}
