/**
 * A tagged template for HTML in which every interpolated value is escaped unless it is
 * already {@link SafeHtml} built by this same template. Log text therefore cannot reach the
 * report as markup by accident: forgetting to escape is not possible, only opting out.
 */
import { escapeHtml } from './safe-text';

export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** html`<td>${untrusted}</td>`: escaped interpolation, arrays joined, null/undefined/false omitted. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}
