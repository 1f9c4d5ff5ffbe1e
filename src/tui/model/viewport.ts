/**
 * Cursor and scroll position of a list pane, as plain data: the packet list can have millions of
 * rows, so panes draw only the window `[top, top + height)` and keep the cursor inside it.
 */
export interface Viewport {
  cursor: number;
  top: number;
}

export const START: Viewport = { cursor: 0, top: 0 };

/** The viewport with the cursor on `index` (clamped), scrolled as little as possible to show it. */
export function moveTo(v: Viewport, count: number, height: number, index: number): Viewport {
  if (count <= 0) return START;
  const h = Math.max(1, height);
  const cursor = Math.max(0, Math.min(count - 1, index));
  let top = v.top;
  if (cursor < top) top = cursor;
  else if (cursor >= top + h) top = cursor - h + 1;
  top = Math.max(0, Math.min(top, Math.max(0, count - h)));
  return { cursor, top };
}

export function moveBy(v: Viewport, count: number, height: number, delta: number): Viewport {
  return moveTo(v, count, height, v.cursor + delta);
}

/** Page moves keep the cursor at the same place on screen, as list views usually do. */
export function page(v: Viewport, count: number, height: number, dir: 1 | -1): Viewport {
  const h = Math.max(1, height);
  const cursor = Math.max(0, Math.min(count - 1, v.cursor + dir * h));
  const top = Math.max(0, Math.min(Math.max(0, count - h), v.top + dir * h));
  return moveTo({ cursor, top }, count, h, cursor);
}

/** Put `index` in the middle of the pane (after a jump). */
export function center(count: number, height: number, index: number): Viewport {
  const h = Math.max(1, height);
  const top = Math.max(0, Math.min(Math.max(0, count - h), index - Math.floor(h / 2)));
  return moveTo({ cursor: index, top }, count, h, index);
}

/** Scroll the window without moving the cursor beyond it (mouse wheel). */
export function scroll(v: Viewport, count: number, height: number, delta: number): Viewport {
  const h = Math.max(1, height);
  const top = Math.max(0, Math.min(Math.max(0, count - h), v.top + delta));
  const cursor = Math.max(top, Math.min(top + h - 1, v.cursor));
  return { cursor: Math.min(cursor, Math.max(0, count - 1)), top };
}
