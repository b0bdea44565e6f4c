/**
 * A hand-written SVG of latency distributions: one panel per scenario, one row per system, a
 * whisker from p1 to p99, a box from p25 to p75, a tick at p50 — on a log-scale time axis.
 */
import { percentile } from './stats.ts';

export interface Distribution {
  label: string;
  /** Sorted latencies in µs. */
  latenciesUs: ArrayLike<number>;
}

export interface Panel {
  title: string;
  rows: Distribution[];
}

const COLORS = ['#6b7280', '#0ea5e9', '#16a34a', '#22c55e', '#84cc16', '#f97316', '#a855f7'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (us: number) => (us >= 1000 ? `${+(us / 1000).toPrecision(3)} ms` : `${Math.round(us)} µs`);

export function latencySvg(panels: Panel[], title: string): string {
  const width = 1100;
  const left = 400;
  const right = 190;
  const rowH = 24;
  const all = panels.flatMap((p) => p.rows.flatMap((r) => [percentile(r.latenciesUs, 1), percentile(r.latenciesUs, 99)])).filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...all))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...all))));
  const x = (us: number) => left + ((Math.log10(Math.max(us, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (width - left - right);
  const out: string[] = [];
  let y = 50;
  out.push(`<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="600">${esc(title)}</text>`);
  const colorOf = new Map<string, string>();
  for (const panel of panels) {
    out.push(`<text x="10" y="${y + 14}" font-size="13" font-weight="600">${esc(panel.title)}</text>`);
    y += 22;
    const top = y;
    const gridAt = out.length;
    for (const row of panel.rows) {
      const color = colorOf.get(row.label) ?? COLORS[colorOf.size % COLORS.length]!;
      colorOf.set(row.label, color);
      const [p1, p25, p50, p75, p99] = [1, 25, 50, 75, 99].map((p) => percentile(row.latenciesUs, p));
      const cy = y + rowH / 2;
      out.push(`<text x="${left - 8}" y="${cy + 4}" text-anchor="end" font-size="12">${esc(row.label)}</text>`);
      out.push(`<line x1="${x(p1!)}" x2="${x(p99!)}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="1.5"/>`);
      out.push(`<rect x="${x(p25!)}" y="${cy - 7}" width="${Math.max(1.5, x(p75!) - x(p25!))}" height="14" fill="${color}" fill-opacity="0.35" stroke="${color}"/>`);
      out.push(`<line x1="${x(p50!)}" x2="${x(p50!)}" y1="${cy - 9}" y2="${cy + 9}" stroke="${color}" stroke-width="3"/>`);
      out.push(`<text x="${x(p99!) + 6}" y="${cy + 4}" font-size="10" fill="#374151">p50 ${fmt(p50!)} · p99 ${fmt(p99!)}</text>`);
      y += rowH;
    }
    const grid: string[] = [];
    for (let d = lo; d <= hi; d *= 10) {
      grid.push(`<line x1="${x(d)}" x2="${x(d)}" y1="${top - 2}" y2="${y}" stroke="#e5e7eb"/>`);
      grid.push(`<text x="${x(d)}" y="${y + 12}" text-anchor="middle" font-size="10" fill="#6b7280">${fmt(d)}</text>`);
    }
    out.splice(gridAt, 0, ...grid);
    y += 30;
  }
  out.push(`<text x="10" y="${y}" font-size="11" fill="#6b7280">whisker p1–p99 · box p25–p75 · thick tick p50 · log scale</text>`);
  const height = y + 14;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
