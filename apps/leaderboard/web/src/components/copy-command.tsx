import { useState } from 'preact/hooks';

/** A shell command in a code box with a copy button (Clipboard API, with a textarea fallback for plain http). */
export function CopyCommand({ command }: { command: string }) {
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');

  async function copy() {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(command);
      } else {
        const area = document.createElement('textarea');
        area.value = command;
        area.style.position = 'fixed';
        area.style.opacity = '0';
        document.body.appendChild(area);
        area.select();
        const ok = document.execCommand('copy');
        area.remove();
        if (!ok) throw new Error('copy refused');
      }
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied('idle'), 1500);
  }

  return (
    <div class="command">
      <code>{command}</code>
      <button type="button" class="btn" onClick={copy} aria-label="Copy command">
        {copied === 'ok' ? 'Copied' : copied === 'failed' ? 'Select & copy' : 'Copy'}
      </button>
    </div>
  );
}
