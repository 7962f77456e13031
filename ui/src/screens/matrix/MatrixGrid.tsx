import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useRef, useState, type KeyboardEvent } from "react";
import type { AccessLevel, MatrixAsset, MatrixUser } from "../../bindings";

const ROW_HEIGHT = 40;
const COLUMN_WIDTH = 132;
const NAME_WIDTH = 320;
const HEADER_HEIGHT = 56;

/** One cell's tasks, by asset index then user index. */
export type CellMap = Map<number, Map<number, { tasks: string[]; access: AccessLevel }>>;

export interface MatrixGridProps {
  assets: MatrixAsset[];
  /** Index into the matrix's assets of each row shown (filtered, sorted). */
  rows: number[];
  users: MatrixUser[];
  /** Index into the matrix's users of each column shown. */
  columns: number[];
  cells: CellMap;
  /** Kind words for a row's second line ("ad account"). */
  kindLabel: (asset: MatrixAsset) => string;
  accessLabel: (access: AccessLevel) => string;
  height?: number;
}

/** One letter per level, in each cell and the legend. */
export const glyph: Record<AccessLevel, string> = { read: "R", write: "W", full: "F" };

/**
 * System users against assets, windowed both ways (@tanstack/react-virtual: rows and columns),
 * so 10,000 assets and dozens of system users keep a small DOM. A grid for assistive
 * technology: each row and cell says where it sits (aria-rowindex, aria-colindex) since most
 * are not rendered; arrow keys, Page Up/Down, Home/End move the active cell.
 */
export const MatrixGrid = memo(function MatrixGrid({ assets, rows, users, columns, cells, kindLabel, accessLabel, height = 520 }: MatrixGridProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState({ row: 0, col: 0 });
  const rowVirtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: rows.length,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 1000, height },
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const columnVirtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => viewport.current,
    estimateSize: () => COLUMN_WIDTH,
    overscan: 3,
    initialRect: { width: 1000, height },
    scrollPaddingStart: NAME_WIDTH,
  });
  const row = Math.min(active.row, Math.max(0, rows.length - 1));
  const col = Math.min(active.col, Math.max(0, columns.length - 1));

  const move = (nextRow: number, nextCol: number) => {
    const r = Math.max(0, Math.min(rows.length - 1, nextRow));
    const c = Math.max(0, Math.min(columns.length - 1, nextCol));
    setActive({ row: r, col: c });
    rowVirtualizer.scrollToIndex(r, { align: "auto" });
    columnVirtualizer.scrollToIndex(c, { align: "auto" });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((height - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(row + 1, col),
      ArrowUp: () => move(row - 1, col),
      ArrowRight: () => move(row, col + 1),
      ArrowLeft: () => move(row, col - 1),
      PageDown: () => move(row + page, col),
      PageUp: () => move(row - page, col),
      Home: () => move(event.ctrlKey ? 0 : row, 0),
      End: () => move(event.ctrlKey ? rows.length - 1 : row, columns.length - 1),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const width = NAME_WIDTH + columnVirtualizer.getTotalSize();
  const cellId = (r: number, c: number) => `matrix-cell-${String(r)}-${String(c)}`;
  const virtualColumns = columnVirtualizer.getVirtualItems();
  return (
    <div
      ref={viewport}
      className="matrix"
      style={{ height }}
      role="grid"
      aria-label="Access by asset and system user"
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length + 1}
      aria-activedescendant={rows.length > 0 && columns.length > 0 ? cellId(row, col) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="matrix__spacer" style={{ width, height: rowVirtualizer.getTotalSize() + HEADER_HEIGHT }}>
        <div className="matrix__header" role="row" aria-rowindex={1} style={{ width, height: HEADER_HEIGHT }}>
          <div className="matrix__corner" role="columnheader" aria-colindex={1} style={{ width: NAME_WIDTH }}>
            Asset
          </div>
          {virtualColumns.map((vc) => {
            const user = users[columns[vc.index] ?? -1];
            if (!user) return null;
            return (
              <div
                key={vc.key.toString()}
                className="matrix__column"
                role="columnheader"
                aria-colindex={vc.index + 2}
                style={{ transform: `translateX(${String(NAME_WIDTH + vc.start)}px)`, width: vc.size }}
                title={user.name}
              >
                <span className="matrix__user">{user.name}</span>
                <span className="matrix__role">{user.reaches_everything ? "Admin: every asset" : "Regular"}</span>
              </div>
            );
          })}
        </div>
        {rowVirtualizer.getVirtualItems().map((vr) => {
          const assetIndex = rows[vr.index] ?? -1;
          const asset = assets[assetIndex];
          if (!asset) return null;
          const held = cells.get(assetIndex);
          return (
            <div
              key={vr.key.toString()}
              className="matrix__row"
              role="row"
              aria-rowindex={vr.index + 2}
              style={{ transform: `translateY(${String(HEADER_HEIGHT + vr.start)}px)`, width, height: vr.size }}
            >
              <div className="matrix__name" role="rowheader" aria-colindex={1} style={{ width: NAME_WIDTH }}>
                <span className="matrix__asset">{asset.name}</span>
                <span className="matrix__detail">
                  {kindLabel(asset)} · {asset.relation_label}
                </span>
              </div>
              {virtualColumns.map((vc) => {
                const userIndex = columns[vc.index] ?? -1;
                const user = users[userIndex];
                const cell = held?.get(userIndex);
                const isActive = vr.index === row && vc.index === col;
                const words = cell
                  ? `${accessLabel(cell.access)}: ${cell.tasks.join(", ")}`
                  : user?.reaches_everything
                    ? "Reaches it as an admin"
                    : "No access";
                return (
                  <div
                    key={vc.key.toString()}
                    id={cellId(vr.index, vc.index)}
                    className="matrix__cell"
                    role="gridcell"
                    aria-colindex={vc.index + 2}
                    aria-label={words}
                    data-access={cell?.access}
                    data-admin={!cell && user?.reaches_everything ? true : undefined}
                    data-active={isActive || undefined}
                    title={words}
                    style={{ transform: `translateX(${String(NAME_WIDTH + vc.start)}px)`, width: vc.size }}
                    onClick={() => setActive({ row: vr.index, col: vc.index })}
                  >
                    {cell ? <span className={`matrix__glyph matrix__glyph--${cell.access}`}>{glyph[cell.access]}</span> : user?.reaches_everything ? "·" : ""}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
});
