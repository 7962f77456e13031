import { defaultRangeExtractor, useVirtualizer, type Range } from "@tanstack/react-virtual";
import { useCallback, useId, useRef, useState, type KeyboardEvent } from "react";
import type { AssetRow } from "../../backend/types";
import "../../styles/flows.css";

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
 * A multi-select listbox that renders only the rows in view (windowed by @tanstack/react-virtual),
 * so 100,000 assets scroll smoothly. Fixed row height; the listbox keeps focus and points at the
 * active row (aria-activedescendant), which is always rendered, even when scrolled out of view;
 * arrows, Page Up/Down, Home/End move, Space or Enter ticks, and each row says where it sits
 * (aria-setsize/aria-posinset) because most rows are not in the DOM.
 */
export function VirtualAssetList({ label, rows, selected, onToggle, height = 440, noteFor }: VirtualAssetListProps) {
  const baseId = useId();
  const viewport = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // Marks the active row while the keyboard is in use, even after a click focused the list.
  const [keyboard, setKeyboard] = useState(false);
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));

  // The rows in view (plus a few), and the active row wherever it is: aria-activedescendant must
  // point at an element that exists.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (range.count > 0 && !indexes.includes(activeIndex)) indexes.push(activeIndex);
      return indexes;
    },
    [activeIndex],
  );
  // No React Compiler in this build: the virtualizer's changing methods are read on each render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: rows.length,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: OVERSCAN,
    rangeExtractor,
    // Rows on the first render, before the viewport has been measured.
    initialRect: { width: 0, height },
  });

  const moveTo = (index: number) => {
    if (rows.length === 0) return;
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    // Scrolls only as far as needed to bring the row fully into view.
    virtualizer.scrollToIndex(next, { align: "auto" });
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
    >
      <div className="vlist__spacer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const i = item.index;
          const row = rows[i];
          if (!row) return null;
          const isSelected = selected.has(row.id);
          const note = noteFor?.(row) ?? null;
          return (
            <div
              key={item.key.toString()}
              id={optionId(i)}
              role="option"
              aria-selected={isSelected}
              aria-setsize={rows.length}
              aria-posinset={i + 1}
              className="vlist__row"
              data-active={i === activeIndex || undefined}
              data-selected={isSelected || undefined}
              style={{ transform: `translateY(${String(item.start)}px)`, height: item.size }}
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
                  {row.relation_note && ` · ${row.relation_note}`}
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
