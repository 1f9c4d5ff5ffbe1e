/** The part of blessed-contrib's API the statistics screen uses (the package ships no types). */
declare module 'blessed-contrib' {
  import type { Widgets } from 'blessed';

  interface ContribOptions extends Widgets.BoxOptions {
    [key: string]: unknown;
  }

  export interface BarChart extends Widgets.BoxElement {
    setData(data: { titles: string[]; data: number[] }): void;
  }
  export interface LineChart extends Widgets.BoxElement {
    setData(series: { title: string; x: string[]; y: number[]; style?: { line?: string } }[]): void;
  }
  export interface Table extends Widgets.BoxElement {
    setData(data: { headers: string[]; data: string[][] }): void;
  }

  export function bar(opts: ContribOptions): BarChart;
  export function line(opts: ContribOptions): LineChart;
  export function table(opts: ContribOptions): Table;
}
