'use client';

import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import type { TrackRow } from '@/server/tracks/track-rows';
import type { SortField } from '@/server/tracks/schemas';
import { cn } from '../ui/cn';
import { layoutColumns, type CellContext, type Column } from './columns';
import type { Sort } from './view-state';

export const ROW_HEIGHT = 34;

/** Sorts that read best biggest/newest first on the first click. */
const DESC_FIRST = new Set<SortField>(['dateAdded', 'rating', 'playCount', 'lastPlayed', 'energy', 'bitrate']);

export interface Selection {
  ids: Set<string>;
  /** The keyboard cursor (a row index) and the anchor shift-selection extends from. */
  cursor: number;
  anchor: number;
  /** The cursor moved onto a row not loaded yet: select it when it arrives. */
  follow?: boolean;
}

interface Props {
  columns: (Column & { width: number })[];
  total: number;
  row: (i: number) => TrackRow | undefined;
  sort: Sort | null;
  onSort: (s: Sort | null) => void;
  onResize: (id: string, width: number, done: boolean) => void;
  selection: Selection;
  onSelection: (s: Selection) => void;
  onOpen: (t: TrackRow) => void;
  onPreview: (t: TrackRow) => void;
  onDelete: (ids: string[]) => void;
  /** Right-click (or the context-menu key) on a row: the rows it applies to and where. */
  onMenu?: (ids: string[], at: { x: number; y: number }, t: TrackRow) => void;
  /** F2 on the cursor row. */
  onRename?: (t: TrackRow) => void;
  onRange: (r: { start: number; end: number }) => void;
  cell: CellContext;
  playingId: string | null;
  stale: boolean;
  /** A new search, filter or sort: back to the top. */
  viewKey: string;
  /** What identifies a row in the selection (default: the track id; a playlist may hold a track twice). */
  keyOf?: (t: TrackRow, i: number) => string;
  /** Rows can be dragged (to a playlist in the sidebar, or within a playlist): fill in what is carried. */
  onDragRows?: (keys: string[], e: React.DragEvent) => void;
  /** Drops between rows: `accepts` says whether this drag may land here, `onDropAt` gets the gap's index. */
  drop?: { accepts: (dt: DataTransfer) => boolean; onDropAt: (index: number, dt: DataTransfer) => void };
}

const HEADER_HEIGHT = 32;

/**
 * The library table: a virtual list (only the rows on screen exist in the page), so 100,000
 * tracks scroll as smoothly as 100. Keyboard: ↑/↓ (with Shift to extend), PgUp/PgDn, Home/End,
 * Enter opens, Space previews, F2 renames the file, the menu key (or a right-click) opens the
 * actions menu, Delete removes from the library, Ctrl+A selects what is loaded.
 */
export function TrackTable(p: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the React Compiler is not enabled; the virtualizer re-renders the table itself
  const virtualizer = useVirtualizer({ count: p.total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const { onRange, viewKey } = p;
  useEffect(() => {
    onRange({ start: first, end: last });
  }, [first, last, onRange]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [viewKey]);

  const [available, setAvailable] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setAvailable(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const widths = layoutColumns(p.columns, available);
  const template = widths.map((w) => `${w}px`).join(' ');
  const width = widths.reduce((s, w) => s + w, 0);
  const shown = p.columns.map((c, i) => ({ ...c, width: widths[i]! }));
  const sel = p.selection;
  const keyOf = p.keyOf ?? ((t: TrackRow) => t.id);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const gapAt = (e: React.DragEvent) => {
    const el = scroller.current!;
    const y = e.clientY - el.getBoundingClientRect().top + el.scrollTop - HEADER_HEIGHT;
    return Math.max(0, Math.min(p.total, Math.round(y / ROW_HEIGHT)));
  };
  const dropProps = p.drop
    ? {
        onDragOver: (e: React.DragEvent) => {
          if (!p.drop!.accepts(e.dataTransfer)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = e.dataTransfer.effectAllowed === 'copy' ? 'copy' : 'move';
          setDropAt(gapAt(e));
        },
        onDragLeave: (e: React.DragEvent) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropAt(null);
        },
        onDrop: (e: React.DragEvent) => {
          setDropAt(null);
          if (!p.drop!.accepts(e.dataTransfer)) return;
          e.preventDefault();
          p.drop!.onDropAt(gapAt(e), e.dataTransfer);
        },
      }
    : {};

  const moveCursor = (to: number, extend: boolean) => {
    const i = Math.max(0, Math.min(p.total - 1, to));
    const t = p.row(i);
    if (extend) p.onSelection({ ...sel, cursor: i, ids: rangeIds(sel.anchor, i) });
    else p.onSelection({ ids: t ? new Set([keyOf(t, i)]) : new Set(), cursor: i, anchor: i, follow: !t });
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const following = sel.follow ? p.row(sel.cursor) : undefined;
  const arrived = following ? keyOf(following, sel.cursor) : undefined;
  useEffect(() => {
    if (arrived) p.onSelection({ ...sel, ids: new Set([arrived]), follow: false });
  });
  const rangeIds = (a: number, b: number) => {
    const ids = new Set<string>();
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
      const t = p.row(i);
      if (t) ids.add(keyOf(t, i));
    }
    return ids;
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const cur = p.row(sel.cursor);
    switch (e.key) {
      case 'ArrowDown':
        moveCursor(sel.cursor + 1, e.shiftKey);
        break;
      case 'ArrowUp':
        moveCursor(sel.cursor - 1, e.shiftKey);
        break;
      case 'PageDown':
        moveCursor(sel.cursor + page, e.shiftKey);
        break;
      case 'PageUp':
        moveCursor(sel.cursor - page, e.shiftKey);
        break;
      case 'Home':
        moveCursor(0, e.shiftKey);
        break;
      case 'End':
        moveCursor(p.total - 1, e.shiftKey);
        break;
      case 'Enter':
        if (cur) p.onOpen(cur);
        break;
      case ' ':
        if (cur) p.onPreview(cur);
        break;
      case 'F2':
        if (cur && p.onRename) p.onRename(cur);
        break;
      case 'ContextMenu': {
        if (!cur || !p.onMenu) return;
        const row = scroller.current?.querySelector<HTMLElement>(`[aria-rowindex="${sel.cursor + 2}"]`)?.getBoundingClientRect();
        const k = keyOf(cur, sel.cursor);
        p.onMenu(sel.ids.has(k) ? [...sel.ids] : [k], { x: (row?.left ?? 0) + 40, y: row?.bottom ?? 0 }, cur);
        break;
      }
      case 'Delete':
      case 'Backspace':
        if (sel.ids.size) p.onDelete([...sel.ids]);
        break;
      case 'a':
        if (!(e.ctrlKey || e.metaKey)) return;
        p.onSelection({ ...sel, ids: rangeIds(0, p.total - 1) });
        break;
      case 'Escape':
        if (!sel.ids.size) return;
        p.onSelection({ ...sel, ids: new Set() });
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const onRowMenu = (e: React.MouseEvent, i: number, t: TrackRow) => {
    if (!p.onMenu) return;
    e.preventDefault();
    // a right-click outside the selection selects that row, as file managers do
    const k = keyOf(t, i);
    const ids = sel.ids.has(k) ? [...sel.ids] : [k];
    if (!sel.ids.has(k)) p.onSelection({ ids: new Set([k]), cursor: i, anchor: i });
    p.onMenu(ids, { x: e.clientX, y: e.clientY }, t);
  };

  const onRowClick = (e: React.MouseEvent, i: number, t: TrackRow) => {
    const k = keyOf(t, i);
    if (e.shiftKey) p.onSelection({ ...sel, cursor: i, ids: rangeIds(sel.anchor, i) });
    else if (e.ctrlKey || e.metaKey) {
      const ids = new Set(sel.ids);
      if (ids.has(k)) ids.delete(k);
      else ids.add(k);
      p.onSelection({ ids, cursor: i, anchor: i });
    } else p.onSelection({ ids: new Set([k]), cursor: i, anchor: i });
    scroller.current?.focus({ preventScroll: true });
  };

  const onRowDrag = p.onDragRows
    ? (e: React.DragEvent, i: number, t: TrackRow) => {
        const k = keyOf(t, i);
        const keys = sel.ids.has(k) ? [...sel.ids] : [k];
        if (!sel.ids.has(k)) p.onSelection({ ids: new Set([k]), cursor: i, anchor: i });
        p.onDragRows!(keys, e);
      }
    : undefined;

  return (
    <div
      ref={scroller}
      tabIndex={0}
      role="grid"
      aria-label="Tracks"
      aria-rowcount={p.total + 1}
      aria-colcount={p.columns.length}
      aria-multiselectable
      aria-busy={p.stale}
      onKeyDown={onKeyDown}
      className="group/grid relative min-h-0 flex-1 overflow-auto outline-none"
      data-testid="track-grid"
      {...dropProps}
    >
      <div style={{ width }}>
        <Header columns={shown} template={template} sort={p.sort} onSort={p.onSort} onResize={p.onResize} />
        <div role="rowgroup" className={cn('relative transition-opacity', p.stale && 'opacity-60')} style={{ height: virtualizer.getTotalSize() }}>
          {dropAt !== null ? (
            <div aria-hidden data-testid="drop-line" className="pointer-events-none absolute left-0 z-20 h-0.5 w-full bg-accent" style={{ top: dropAt * ROW_HEIGHT - 1 }} />
          ) : null}
          {items.map((v) => {
            const t = p.row(v.index);
            return (
              <Row
                key={v.index}
                index={v.index}
                top={v.start}
                track={t}
                template={template}
                columns={p.columns}
                cell={p.cell}
                onDrag={onRowDrag}
                selected={!!t && sel.ids.has(keyOf(t, v.index))}
                cursor={sel.cursor === v.index}
                playing={!!t && p.playingId === t.id}
                onClick={onRowClick}
                onMenu={onRowMenu}
                onOpen={p.onOpen}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function Header({
  columns,
  template,
  sort,
  onSort,
  onResize,
}: {
  columns: (Column & { width: number })[];
  template: string;
  sort: Sort | null;
  onSort: (s: Sort | null) => void;
  onResize: Props['onResize'];
}) {
  const clickSort = (field: SortField) => {
    const first: Sort['dir'] = DESC_FIRST.has(field) ? 'desc' : 'asc';
    if (sort?.field !== field) return onSort({ field, dir: first });
    if (sort.dir === first) return onSort({ field, dir: first === 'asc' ? 'desc' : 'asc' });
    onSort(null);
  };
  return (
    <div role="row" aria-rowindex={1} className="sticky top-0 z-10 grid h-8 border-b border-line bg-panel text-xs text-faint" style={{ gridTemplateColumns: template }}>
      {columns.map((c) => {
        const active = sort?.field === c.sort && c.sort !== undefined;
        return (
          <div
            key={c.id}
            role="columnheader"
            aria-label={c.label}
            aria-sort={active ? (sort!.dir === 'asc' ? 'ascending' : 'descending') : c.sort ? 'none' : undefined}
            className={cn('group relative flex min-w-0 items-center px-2', c.align === 'right' && 'justify-end', c.id === 'art' && 'pl-3')}
          >
            {c.sort ? (
              <button
                type="button"
                onClick={() => clickSort(c.sort!)}
                className={cn('flex min-w-0 items-center gap-1 truncate hover:text-fg', active && 'text-fg')}
                title={`Sort by ${c.label.toLowerCase()}`}
                aria-label={c.label}
              >
                <span className="truncate">{c.short ?? c.label}</span>
                {active ? sort!.dir === 'asc' ? <ArrowUp size={12} className="shrink-0 text-accent" /> : <ArrowDown size={12} className="shrink-0 text-accent" /> : null}
              </button>
            ) : (
              <span className="truncate" aria-label={c.label}>
                {c.short ?? c.label}
              </span>
            )}
            {c.id !== 'art' ? <ResizeHandle column={c} onResize={onResize} /> : null}
          </div>
        );
      })}
    </div>
  );
}

function ResizeHandle({ column, onResize }: { column: Column & { width: number }; onResize: Props['onResize'] }) {
  const start = useRef<{ x: number; w: number } | null>(null);
  const widthAt = (x: number) => Math.max(column.min, start.current!.w + x - start.current!.x);
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${column.label}`}
      className="absolute top-1 right-0 bottom-1 w-1.5 cursor-col-resize rounded bg-transparent group-hover:bg-line-strong hover:!bg-accent"
      onPointerDown={(e) => {
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { x: e.clientX, w: column.width };
      }}
      onPointerMove={(e) => {
        if (start.current) onResize(column.id, widthAt(e.clientX), false);
      }}
      onPointerUp={(e) => {
        if (!start.current) return;
        onResize(column.id, widthAt(e.clientX), true);
        start.current = null;
      }}
    />
  );
}

interface RowProps {
  index: number;
  top: number;
  track: TrackRow | undefined;
  template: string;
  columns: (Column & { width: number })[];
  cell: CellContext;
  selected: boolean;
  cursor: boolean;
  playing: boolean;
  onClick: (e: React.MouseEvent, i: number, t: TrackRow) => void;
  onMenu: (e: React.MouseEvent, i: number, t: TrackRow) => void;
  onOpen: (t: TrackRow) => void;
  onDrag?: (e: React.DragEvent, i: number, t: TrackRow) => void;
}

function Row({ index, top, track: t, template, columns, cell, selected, cursor, playing, onClick, onMenu, onOpen, onDrag }: RowProps) {
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT, gridTemplateColumns: template };
  if (!t)
    return (
      <div role="row" aria-rowindex={index + 2} className="absolute top-0 left-0 grid w-full items-center border-b border-line/40" style={style}>
        <div className="col-span-full mx-3 h-2.5 w-1/3 animate-pulse rounded bg-raised" />
      </div>
    );
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid="track-row"
      data-track-id={t.id}
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault(); // no text selection on shift-click
      }}
      onClick={(e) => onClick(e, index, t)}
      onDoubleClick={() => onOpen(t)}
      onContextMenu={(e) => onMenu(e, index, t)}
      draggable={!!onDrag}
      onDragStart={onDrag ? (e) => onDrag(e, index, t) : undefined}
      className={cn(
        'absolute top-0 left-0 grid w-full cursor-default items-center border-b border-line/40 text-sm select-none',
        selected ? 'bg-accent/12' : 'hover:bg-panel-2',
        cursor && 'group-focus/grid:shadow-[inset_2px_0_0_var(--color-accent)]',
        playing && 'text-accent-strong',
        t.isMissing && 'opacity-60',
      )}
      style={style}
    >
      {columns.map((c) => (
        <div key={c.id} role="gridcell" title={c.text?.(t) ?? undefined} className={cn('min-w-0 truncate px-2', c.align === 'right' && 'text-right', c.id === 'art' && 'pl-3')}>
          {c.cell(t, cell, index)}
        </div>
      ))}
    </div>
  );
}
