/**
 * The cohort heat-map: one row per acquisition quarter, one column per quarter since the first
 * purchase, the cell's colour the share of the cohort that bought in that quarter. Beside each
 * row, the share dormant today. Built on echarts/core with only the pieces it uses.
 */
import { HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export interface CohortHeatmapRow {
  cohort: string;
  customers: number;
  repurchase_rates: number[];
  dormant_rate: number;
}

export interface CohortHeatmapProps {
  rows: CohortHeatmapRow[];
  /** Quarters since acquisition shown (the oldest cohorts have more). */
  quarters?: number;
  /** Labels: the cohort with its size, a column header, the tooltip line. */
  cohortLabel: (row: CohortHeatmapRow) => string;
  columnLabel: (k: number) => string;
  tooltip: (row: CohortHeatmapRow, k: number, rate: number) => string;
  testId?: string;
}

export function CohortHeatmap({ rows, quarters = 12, cohortLabel, columnLabel, tooltip, testId }: CohortHeatmapProps) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current, undefined, { renderer: 'canvas' });
    const columns = Array.from({ length: quarters }, (_, k) => columnLabel(k));
    const data: [number, number, number][] = [];
    rows.forEach((row, y) => {
      row.repurchase_rates.slice(0, quarters).forEach((rate, k) => {
        // Quarter 0 is the acquisition quarter (everyone bought): shown, but it says nothing.
        if (k > 0) data.push([k, y, Math.round(rate * 1000) / 10]);
      });
    });
    chart.setOption({
      animation: false,
      grid: { left: 150, right: 24, top: 8, bottom: 70 },
      tooltip: {
        formatter: (p: { value: [number, number, number] }) => {
          const row = rows[p.value[1]];
          return row ? tooltip(row, p.value[0], p.value[2] / 100) : '';
        },
      },
      xAxis: { type: 'category', data: columns, splitArea: { show: true } },
      yAxis: { type: 'category', data: rows.map(cohortLabel), inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max: 100,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        formatter: (v: number) => `${Math.round(v)}%`,
        inRange: { color: ['#fbeee0', '#d9822b', '#7a3e0c'] },
      },
      series: [
        {
          type: 'heatmap',
          data,
          label: { show: true, formatter: (p: { value: [number, number, number] }) => `${Math.round(p.value[2])}` },
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [rows, quarters, cohortLabel, columnLabel, tooltip]);
  const height = Math.max(160, 90 + rows.length * 26);
  return <div ref={element} className="chart" style={{ height }} data-testid={testId} />;
}
