'use client';

import { createContext, useCallback, useContext, useState } from 'react';
import { CheckCircle2, AlertTriangle, X } from 'lucide-react';
import { cn } from './cn';

interface Toast {
  id: number;
  tone: 'ok' | 'error';
  text: string;
  action?: { label: string; run: () => void };
}

const Ctx = createContext<{ push: (t: Omit<Toast, 'id'>) => void }>({ push: () => undefined });

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((t: Omit<Toast, 'id'>) => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list.slice(-3), { ...t, id }]);
    setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), t.tone === 'error' ? 8000 : 4000);
  }, []);
  return (
    <Ctx.Provider value={{ push }}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(380px,90vw)] flex-col gap-2">
        {toasts.map((t) => (
          <div
            key={t.id}
            role={t.tone === 'error' ? 'alert' : 'status'}
            className={cn(
              'pointer-events-auto flex items-start gap-2.5 rounded-lg border bg-panel-2 px-3.5 py-3 text-sm shadow-xl',
              t.tone === 'error' ? 'border-danger/50' : 'border-line-strong',
            )}
          >
            {t.tone === 'error' ? <AlertTriangle size={16} className="mt-0.5 shrink-0 text-danger" /> : <CheckCircle2 size={16} className="mt-0.5 shrink-0 text-ok" />}
            <span className="flex-1 break-words">{t.text}</span>
            {t.action ? (
              <button type="button" className="font-medium text-accent hover:underline" onClick={t.action.run}>
                {t.action.label}
              </button>
            ) : null}
            <button type="button" aria-label="Dismiss" className="text-faint hover:text-fg" onClick={() => setToasts((l) => l.filter((x) => x.id !== t.id))}>
              <X size={14} />
            </button>
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}

export const useToast = () => useContext(Ctx);
