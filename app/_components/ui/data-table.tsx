import { cn } from './cn';

export interface Column<T> {
  key: string;
  header: React.ReactNode;
  cell: (row: T) => React.ReactNode;
  /** Numbers: right-aligned, tabular figures. */
  numeric?: boolean;
  /** The row's name (a `th scope="row"`), e.g. the first column of a comparison. */
  rowHeader?: boolean;
  className?: string | ((row: T) => string | false | undefined);
  headerClassName?: string;
}

/**
 * One table for the app's lists (folders' tracks, scans, trash, backups, the analysis queue,
 * duplicate comparisons): the same header, row lines, padding and number alignment everywhere.
 * Big, virtualised lists (the library) use the track grid instead.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  label,
  empty,
  dense,
  className,
  style,
  testId,
  rowTestId,
  rowClassName,
  onRowClick,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string | number;
  label?: string;
  /** Shown in one full-width row when there are no rows. */
  empty?: React.ReactNode;
  /** Smaller type and padding (history lists). */
  dense?: boolean;
  className?: string;
  style?: React.CSSProperties;
  testId?: string;
  rowTestId?: string;
  rowClassName?: (row: T) => string | false | undefined;
  onRowClick?: (row: T) => void;
}) {
  const pad = dense ? 'py-1' : 'py-1.5';
  const cellClass = (c: Column<T>, row: T) => cn(pad, 'pr-3 last:pr-0', c.numeric && 'text-right tabular-nums', typeof c.className === 'function' ? c.className(row) : c.className);
  return (
    <table className={cn('w-full', dense ? 'text-xs' : 'text-sm', className)} style={style} aria-label={label} data-testid={testId}>
      <thead className="text-left text-xs text-faint">
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col" className={cn(pad, 'pr-3 font-normal last:pr-0', c.numeric && 'text-right', c.headerClassName)}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={rowKey(row)}
            className={cn('border-t border-line/60', onRowClick && 'cursor-default', rowClassName?.(row))}
            onClick={onRowClick ? () => onRowClick(row) : undefined}
            data-testid={rowTestId}
          >
            {columns.map((c) =>
              c.rowHeader ? (
                <th key={c.key} scope="row" className={cn('text-left font-normal text-faint', cellClass(c, row))}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={c.key} className={cellClass(c, row)}>
                  {c.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
        {!rows.length && empty ? (
          <tr>
            <td colSpan={columns.length} className="py-6 text-center text-muted">
              {empty}
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
