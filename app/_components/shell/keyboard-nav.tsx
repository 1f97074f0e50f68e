'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { NAV_ITEMS } from './sidebar';

/** "g" then a letter jumps between pages (g l = Library …), unless the user is typing. */
export function KeyboardNav() {
  const router = useRouter();
  useEffect(() => {
    let armed = 0;
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'g') {
        armed = Date.now();
        return;
      }
      if (Date.now() - armed < 1200) {
        const hit = NAV_ITEMS.find((n) => n.key === `g ${e.key}`);
        if (hit) {
          e.preventDefault();
          router.push(hit.href);
        }
        armed = 0;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router]);
  return null;
}
