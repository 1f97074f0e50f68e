'use client';

import { LogOut } from 'lucide-react';
import { Button } from '../ui/button';

export function SignOut() {
  return (
    <Button
      variant="ghost"
      size="sm"
      onClick={() => {
        void fetch('/api/auth/logout', { method: 'POST' }).then(() => window.location.assign('/login'));
      }}
    >
      <LogOut size={14} /> Sign out
    </Button>
  );
}
