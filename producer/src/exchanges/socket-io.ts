import WebSocket from 'ws';

/** The text of a frame, however `ws` delivered it. */
export function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Closes a socket politely, terminating it if the peer does not answer within a second. */
export async function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1_000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000, 'client closing');
  });
}

/**
 * Sends `messages` on an open socket, the first at once and the rest `intervalMs` apart (all at
 * once when 0). Returns a function that cancels what is not sent yet (the socket closed).
 */
export function sendPaced(
  ws: WebSocket,
  messages: readonly string[],
  intervalMs: number,
  onSent: () => void,
): () => void {
  const timers: NodeJS.Timeout[] = [];
  const sendOne = (m: string): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(m);
    onSent();
  };
  messages.forEach((m, i) => {
    if (i === 0 || intervalMs <= 0) sendOne(m);
    else timers.push(setTimeout(() => sendOne(m), i * intervalMs));
  });
  return () => timers.forEach(clearTimeout);
}
