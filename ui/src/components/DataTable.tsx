import type { ReactNode } from "react";
import { Cell, Column, Row, Table, TableBody, TableHeader } from "react-aria-components";

export interface DataColumn<T> {
  id: string;
  /** The header text (visually hidden when `hideHeader`). */
  name: string;
  hideHeader?: boolean;
  /** The column whose cell names the row for screen readers (one per table). */
  isRowHeader?: boolean;
  render: (item: T) => ReactNode;
  /** Extra cell classes: `table__cell--strong`, `table__cell--actions`, `mono muted`, … */
  className?: string;
}

export interface DataTableProps<T extends { id: string }> {
  /** Names the table for screen readers. */
  label: string;
  columns: DataColumn<T>[];
  items: T[];
  /** Shown in the body when there are no rows. */
  empty: ReactNode;
  /** Enter on a focused row or a click on it (not on a button inside it). */
  onRowAction?: (item: T) => void;
}

/**
 * A keyboard-navigable table (arrow keys move between rows and cells). For long lists
 * (thousands of rows) use a virtualised list instead.
 */
export function DataTable<T extends { id: string }>({ label, columns, items, empty, onRowAction }: DataTableProps<T>) {
  return (
    <Table
      aria-label={label}
      className="table"
      onRowAction={
        onRowAction
          ? (key) => {
              const item = items.find((i) => i.id === key);
              if (item) onRowAction(item);
            }
          : undefined
      }
    >
      <TableHeader className="table__header" columns={columns}>
        {(column) => (
          <Column id={column.id} isRowHeader={column.isRowHeader} className="table__column">
            {column.hideHeader ? <span className="visually-hidden">{column.name}</span> : column.name}
          </Column>
        )}
      </TableHeader>
      <TableBody className="table__body" items={items} dependencies={[columns]} renderEmptyState={() => <div className="table__empty">{empty}</div>}>
        {(item) => (
          <Row id={item.id} className={onRowAction ? "table__row table__row--action" : "table__row"} columns={columns}>
            {(column) => <Cell className={`table__cell ${column.className ?? ""}`}>{column.render(item)}</Cell>}
          </Row>
        )}
      </TableBody>
    </Table>
  );
}
