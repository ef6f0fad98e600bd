/** Bars split into stacked series (e.g. lost revenue per group, stacked by reason), on echarts/core. */
import { BarChart as EBarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([EBarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Reason colours, fixed so a reason looks the same in every chart. */
export const SERIES_COLOURS = [
  '#d9822b',
  '#2f6f9f',
  '#7a9e3b',
  '#b4474b',
  '#8a6bb8',
  '#3d9a8b',
  '#c9a227',
  '#6b7280',
  '#a15c2f',
  '#9ca3af',
];

export interface StackedBarChartProps {
  categories: string[];
  series: { name: string; values: number[] }[];
  format?: (value: number) => string;
  horizontal?: boolean;
  height?: number;
  testId?: string;
}

export function StackedBarChart({
  categories,
  series,
  format,
  horizontal = true,
  height = 320,
  testId,
}: StackedBarChartProps) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current, undefined, { renderer: 'canvas' });
    const categoryAxis = {
      type: 'category' as const,
      data: categories,
      axisLabel: { interval: 0, hideOverlap: true },
    };
    const valueAxis = {
      type: 'value' as const,
      axisLabel: format ? { formatter: (v: number) => format(v) } : {},
    };
    chart.setOption({
      animation: false,
      color: SERIES_COLOURS,
      legend: { top: 0, type: 'scroll' },
      grid: { left: horizontal ? 150 : 80, right: 24, top: 40, bottom: 40 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: format ? (v: unknown) => format(Number(v)) : undefined,
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
      series: series.map((s) => ({ type: 'bar', name: s.name, stack: 'total', data: s.values, barMaxWidth: 36 })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [categories, series, format, horizontal]);
  return <div ref={element} className="chart" style={{ height }} data-testid={testId} />;
}
