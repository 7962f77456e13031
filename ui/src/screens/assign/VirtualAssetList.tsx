import { useId, useRef, useState, type KeyboardEvent, type UIEvent } from "react";
import type { AssetRow } from "../../backend/types";

export const ROW_HEIGHT = 52;
const OVERSCAN = 6;

export interface VirtualAssetListProps {
  /** Accessible name of the list, e.g. "Ad accounts". */
  label: string;
  rows: AssetRow[];
  selected: ReadonlySet<string>;
  onToggle: (row: AssetRow) => void;
  /** Height of the visible window in px; only rows in it (plus a few) are in the DOM. */
  height?: number;
  /** A short note at the right of a row (e.g. "Has access"). */
  noteFor?: (row: AssetRow) => string | null;
}

/**
 * A multi-select listbox that renders only the rows in view, so 10,000+ assets scroll smoothly.
 * Fixed row height; the listbox keeps focus and points at the active row (aria-activedescendant);
 * arrows, Page Up/Down, Home/End move, Space or Enter ticks, and each row says where it sits
 * (aria-setsize/aria-posinset) because most rows are not in the DOM.
 */
export function VirtualAssetList({ label, rows, selected, onToggle, height = 440, noteFor }: VirtualAssetListProps) {
  const baseId = useId();
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  // Marks the active row while the keyboard is in use, even after a click focused the list.
  const [keyboard, setKeyboard] = useState(false);
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length - 1, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const indexes: number[] = [];
  for (let i = first; i <= last; i++) indexes.push(i);
  if (rows.length > 0 && (activeIndex < first || activeIndex > last)) indexes.push(activeIndex);

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    const el = viewport.current;
    if (!el) return;
    const top = next * ROW_HEIGHT;
    let target = el.scrollTop;
    if (top < target) target = top;
    else if (top + ROW_HEIGHT > target + height) target = top + ROW_HEIGHT - height;
    if (target !== el.scrollTop) {
      el.scrollTop = target;
      setScrollTop(target);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    setKeyboard(true);
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const handled = (fn: () => void) => {
      event.preventDefault();
      fn();
    };
    switch (event.key) {
      case "ArrowDown":
        handled(() => moveTo(activeIndex + 1));
        break;
      case "ArrowUp":
        handled(() => moveTo(activeIndex - 1));
        break;
      case "PageDown":
        handled(() => moveTo(activeIndex + page));
        break;
      case "PageUp":
        handled(() => moveTo(activeIndex - page));
        break;
      case "Home":
        handled(() => moveTo(0));
        break;
      case "End":
        handled(() => moveTo(rows.length - 1));
        break;
      case " ":
      case "Enter": {
        const row = rows[activeIndex];
        if (row) handled(() => onToggle(row));
        break;
      }
    }
  };

  const optionId = (i: number) => `${baseId}-row-${String(i)}`;
  return (
    <div
      ref={viewport}
      className="vlist"
      style={{ height }}
      role="listbox"
      aria-label={label}
      aria-multiselectable="true"
      aria-activedescendant={rows.length > 0 ? optionId(activeIndex) : undefined}
      tabIndex={0}
      data-keyboard={keyboard || undefined}
      onKeyDown={onKeyDown}
      onMouseDown={() => setKeyboard(false)}
      onScroll={(event: UIEvent<HTMLDivElement>) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div className="vlist__spacer" style={{ height: rows.length * ROW_HEIGHT }}>
        {indexes.map((i) => {
          const row = rows[i];
          if (!row) return null;
          const isSelected = selected.has(row.id);
          const note = noteFor?.(row) ?? null;
          return (
            <div
              key={row.id}
              id={optionId(i)}
              role="option"
              aria-selected={isSelected}
              aria-setsize={rows.length}
              aria-posinset={i + 1}
              className="vlist__row"
              data-active={i === activeIndex || undefined}
              data-selected={isSelected || undefined}
              style={{ transform: `translateY(${String(i * ROW_HEIGHT)}px)`, height: ROW_HEIGHT }}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => {
                setActive(i);
                viewport.current?.focus();
                onToggle(row);
              }}
            >
              <span className="vlist__check" aria-hidden="true" />
              <span className="vlist__text">
                <span className="vlist__name">{row.name}</span>
                <span className="vlist__detail">
                  {row.detail ?? row.id}
                  {row.relation === "client" && " · Shared by a client"}
                </span>
              </span>
              {note && <span className="badge">{note}</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
