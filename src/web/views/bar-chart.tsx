/** One bar: a label on the x axis (empty for none, to thin out dense axes) and its value. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Accessible text for the bar (read by screen readers as the bar's title). */
  readonly title: string;
}

/**
 * A bar chart as inline SVG rendered on the server: no script, no inline style (colours come from site.css
 * classes). The SVG has role="img" and a label; every bar carries a <title>, and the page also shows the table.
 */
export function BarChart({ bars, label }: { bars: readonly Bar[]; label: string }) {
  const width = 600;
  const height = 220;
  const pad = { top: 16, right: 8, bottom: 36, left: 8 };
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = (width - pad.left - pad.right) / Math.max(1, bars.length);
  const barWidth = Math.max(4, slot * 0.6);
  const plot = height - pad.top - pad.bottom;
  return (
    <svg class="bar-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <line
        class="bar-chart__axis"
        x1={pad.left}
        x2={width - pad.right}
        y1={height - pad.bottom}
        y2={height - pad.bottom}
      />
      {bars.map((b, i) => {
        const h = Math.round((Math.max(0, b.value) / max) * plot);
        const x = pad.left + i * slot + (slot - barWidth) / 2;
        const y = height - pad.bottom - h;
        return (
          <g key={`${i}-${b.label}`}>
            <rect class="bar-chart__bar" x={x} y={y} width={barWidth} height={h}>
              <title>{b.title}</title>
            </rect>
            {b.value > 0 && (
              <text class="bar-chart__value" x={x + barWidth / 2} y={y - 4} text-anchor="middle">
                {b.value}
              </text>
            )}
            {b.label && (
              <text class="bar-chart__label" x={x + barWidth / 2} y={height - pad.bottom + 16} text-anchor="middle">
                {b.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
