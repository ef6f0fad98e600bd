/** A bar chart on echarts/core with only the pieces it uses (keeps the bundle small). */
import { BarChart as EBarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([EBarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export interface BarChartProps {
  labels: string[];
  values: number[];
  /** Formats values in the tooltip and axis (e.g. yen). */
  format?: (value: number) => string;
  horizontal?: boolean;
  height?: number;
  testId?: string;
}

export function BarChart({
  labels,
  values,
  format,
  horizontal = false,
  height = 260,
  testId,
}: BarChartProps) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current, undefined, { renderer: 'canvas' });
    const categoryAxis = {
      type: 'category' as const,
      data: labels,
      axisLabel: { interval: 0, hideOverlap: true },
    };
    const valueAxis = {
      type: 'value' as const,
      axisLabel: format ? { formatter: (v: number) => format(v) } : {},
    };
    chart.setOption({
      animation: false,
      grid: { left: horizontal ? 140 : 70, right: 24, top: 16, bottom: 40 },
      tooltip: { trigger: 'axis', valueFormatter: format ? (v: unknown) => format(Number(v)) : undefined },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
      series: [{ type: 'bar', data: values, itemStyle: { color: '#d9822b' }, barMaxWidth: 40 }],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [labels, values, format, horizontal]);
  return <div ref={element} className="chart" style={{ height }} data-testid={testId} />;
}
