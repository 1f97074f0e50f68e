import type { ComponentState } from '@/drizzle/schema';
import type { WorkerComponents } from '@/server/system/components';

/** Live state of the worker's parts, written with every heartbeat and shown in the UI. */
export class Components {
  private states: Record<string, ComponentState> = {};
  private listeners = new Set<() => void>();

  /** Reports a part's state; its shape is the one readers expect (server/system/components.ts). */
  set<K extends keyof WorkerComponents>(name: K, state: WorkerComponents[K]) {
    const prev = this.states[name];
    this.states[name] = state;
    if (prev?.state !== state.state) for (const l of this.listeners) l();
  }

  snapshot(): Record<string, ComponentState> {
    return structuredClone(this.states);
  }

  /** Called when a component's state (not just its details) changes, so a heartbeat can go out at once. */
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
