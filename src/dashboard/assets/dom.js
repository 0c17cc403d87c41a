// DOM helpers: every element is made with DOM calls and text nodes, never from
// HTML strings, so names a proxy reports (keys, models) are shown, not parsed.
import * as format from './format.js';

export const $ = (id) => document.getElementById(id);

/** An element with attributes (`text` sets its text) and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== undefined));
  return node;
}

/**
 * A figure: its readable text, and its exact value in `data-value` (for the
 * browser tests) and in a tooltip.
 */
export function figure(tag, field, value, text, attributes = {}) {
  return el(tag, {
    'data-field': field,
    'data-value': value,
    title: format.decimal(value),
    text,
    ...attributes,
  });
}
