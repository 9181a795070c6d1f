// A tiny element builder: the panel is plain DOM, built from state on every change. Text
// always goes in as text nodes (never innerHTML), so nothing in a report can become markup.

export type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  /** Plain attributes (aria-*, data-*, type, datetime...); undefined leaves one out. */
  attrs?: Record<string, string | undefined>;
  onClick?: (event: Event) => void;
  /** Other listeners (input, change, submit, keydown...). */
  on?: { [E in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[E]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.id) element.id = props.id;
  for (const [name, value] of Object.entries(props.attrs ?? {})) if (value !== undefined) element.setAttribute(name, value);
  if (props.onClick) element.addEventListener('click', props.onClick);
  for (const [type, listener] of Object.entries(props.on ?? {})) element.addEventListener(type, listener as EventListener);
  append(element, children);
  return element;
}

/**
 * What a text node never draws: controls, bidi overrides and isolates, invisible marks. A
 * report's text (a profile id from a store) could otherwise reorder itself into another name
 * (U+202E) or hide characters. Tabs and newlines stay.
 */
const UNDRAWN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child.replace(UNDRAWN, '')) : child);
  }
}

/** A heading at a computed level (the outline depends on whether hosts are grouped). */
export function heading(level: number, props: Props, ...children: Child[]): HTMLHeadingElement {
  const tag = `h${Math.min(6, Math.max(1, level))}` as 'h2';
  return h(tag, props, ...children);
}

const SVG = 'http://www.w3.org/2000/svg';

/** A 16-unit stroke icon, hidden from screen readers (its button carries the words). */
export function icon(name: keyof typeof ICONS): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon icon-${name}`);
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

const ICONS = {
  refresh: ['M13.5 8a5.5 5.5 0 1 1-1.6-3.9', 'M13.5 2.5v3h-3'],
  sync: ['M2.5 6h10l-2.5-2.5', 'M13.5 10h-10l2.5 2.5'],
  copy: ['M5.5 5.5h7v8h-7z', 'M3.5 10.5v-8h7'],
  check: ['M3 8.5l3 3 7-7'],
  folder: ['M2 4.5h4l1.5 1.5H14v6.5H2z'],
  warning: ['M8 2l6.5 11.5h-13z', 'M8 6.5v3', 'M8 11.5v.5'],
  image: ['M2.5 3.5h11v9h-11z', 'M2.5 10.5l3-3 3 3 2-2 3 3', 'M10.5 6.2v.1'],
  link: ['M6.5 9.5l3-3', 'M7 4.5l1-1a2.5 2.5 0 0 1 3.5 3.5l-1 1', 'M9 11.5l-1 1a2.5 2.5 0 0 1-3.5-3.5l1-1'],
  error: ['M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5z', 'M8 4.75v4', 'M8 10.75v.5'],
  gear: [
    'M6.9 1.8h2.2l.35 1.7 1.2.7 1.65-.55 1.1 1.9-1.3 1.15v1.4l1.3 1.15-1.1 1.9-1.65-.55-1.2.7-.35 1.7H6.9l-.35-1.7-1.2-.7-1.65.55-1.1-1.9 1.3-1.15v-1.4L2.6 5.55l1.1-1.9 1.65.55 1.2-.7z',
    'M8 6.1a1.9 1.9 0 1 0 0 3.8 1.9 1.9 0 0 0 0-3.8z',
  ],
  plus: ['M8 3.5v9', 'M3.5 8h9'],
  terminal: ['M2 3h12v10H2z', 'M4.5 6.5L6.5 8l-2 1.5', 'M8 10h3'],
} as const;
