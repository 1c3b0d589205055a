import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { BarChart } from '../../../web/views/bar-chart.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { DASHBOARD_DAYS, type getDashboard, SERIES } from '../dashboard.ts';

type Dashboard = Awaited<ReturnType<typeof getDashboard>>;

/** 数据概览: one server-rendered SVG chart per series over 30 days, each followed by its numbers in a table. */
export function DashboardPage({ ctx, dashboard }: { ctx: PageContext; dashboard: Dashboard }) {
  const unit = ctx.site.creditName;
  return (
    <Layout ctx={ctx} title={t('dashboard.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/dashboard" />
      <section class="card" aria-labelledby="dashboard-title">
        <h1 id="dashboard-title">{t('dashboard.title')}</h1>
        <p class="muted">{t('dashboard.intro', { days: DASHBOARD_DAYS })}</p>
        <ul class="dashboard-totals">
          {SERIES.map((s) => (
            <li key={s} id={`total-${s}`}>
              {t(`dashboard.series.${s}`, { unit })}：<strong>{dashboard.totals[s]}</strong>
            </li>
          ))}
        </ul>
      </section>
      {SERIES.map((s) => {
        const label = t(`dashboard.series.${s}`, { unit });
        return (
          <section class="card" key={s} aria-labelledby={`chart-${s}`}>
            <h2 id={`chart-${s}`}>{label}</h2>
            <BarChart
              label={t('dashboard.chartLabel', { series: label, days: DASHBOARD_DAYS })}
              bars={dashboard.days.map((d, i) => ({
                label: i % 5 === 0 || i === dashboard.days.length - 1 ? d.day.slice(5) : '',
                value: d.values[s],
                title: `${d.day}：${d.values[s]}`,
              }))}
            />
            <details>
              <summary>{t('dashboard.table')}</summary>
              <table class="ledger-table">
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.day')}</th>
                    <th scope="col" class="num">
                      {label}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {dashboard.days.map((d) => (
                    <tr key={d.day}>
                      <td>{d.day}</td>
                      <td class="num">{d.values[s]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </section>
        );
      })}
    </Layout>
  );
}
