// A grouped horizontal bar chart in plain SVG: one row per label, one bar per
// series. The numbers are also in a table beside it (screen readers get the
// table; the SVG has a title and description).
import { useId } from "react";

export interface Series {
  name: string;
  className: string;
}

export function BarChart({
  title, desc, labels, series, values, nullLabel = "–", max: fixedMax,
}: {
  title: string;
  desc: string;
  labels: string[];
  series: Series[];
  /**
   * null: a number withheld (a suppressed cell), drawn as `nullLabel`, never
   * as a zero bar; undefined: nothing to draw (e.g. no baseline for the group).
   */
  values: (number | null | undefined)[][];
  nullLabel?: string;
  max?: number;
}) {
  const id = useId();
  const max = fixedMax ?? Math.max(1, ...values.flat().map((v) => v ?? 0));
  const barH = 12;
  const gap = 4;
  const groupH = series.length * (barH + 2) + gap * 2;
  const labelW = 210;
  const chartW = 420;
  const width = labelW + chartW + 50;
  const height = labels.length * groupH + 10;
  const ticks = niceTicks(max);
  return (
    <figure className="bar-chart">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-labelledby={`${id}-t ${id}-d`} width="100%">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {ticks.map((v) => {
          const x = labelW + (v / ticks[ticks.length - 1]) * chartW;
          return (
            <g key={v}>
              <line x1={x} x2={x} y1={0} y2={height} className="chart-grid" />
              <text x={x} y={height + 14} className="chart-tick" textAnchor="middle">
                {v}
              </text>
            </g>
          );
        })}
        {labels.map((l, i) => {
          const y0 = i * groupH + gap;
          return (
            <g key={l + i}>
              <text x={labelW - 8} y={y0 + groupH / 2} className="chart-label" textAnchor="end" dominantBaseline="middle">
                {l.length > 32 ? `${l.slice(0, 31)}…` : l}
              </text>
              {series.map((s, j) => {
                const raw = values[i]?.[j];
                const y = y0 + j * (barH + 2);
                if (raw === undefined) return null;
                if (raw === null) {
                  return (
                    <text key={s.name} x={labelW + 4} y={y + barH - 2} className="chart-value chart-null">
                      {nullLabel}
                    </text>
                  );
                }
                const w = (raw / ticks[ticks.length - 1]) * chartW;
                return (
                  <g key={s.name}>
                    <rect x={labelW} y={y} width={Math.max(w, raw > 0 ? 1 : 0)} height={barH} className={s.className} />
                    <text x={labelW + w + 4} y={y + barH - 2} className="chart-value">
                      {Number.isInteger(raw) ? raw : raw.toFixed(1)}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {series.map((s) => (
          <span key={s.name} className="legend-item">
            <svg width="14" height="14" aria-hidden="true" focusable="false">
              <rect width="14" height="14" className={s.className} />
            </svg>
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function niceTicks(max: number): number[] {
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? pow * 10;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step - 1e-9; v += step) ticks.push(Math.round(v));
  if (ticks.length < 2) ticks.push(step);
  return ticks;
}
