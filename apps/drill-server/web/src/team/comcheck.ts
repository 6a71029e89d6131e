// The communications check on the team console: drill control asks "can we reach you?"; a banner stays at the top
// of the page until this person confirms (by socket, or over HTTP when the socket cannot answer), then goes.
import type { ComcheckConfirmReply, ComcheckPayload } from '@drill/contracts';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import type { DrillSocket } from '../common/socket.js';

let banner: HTMLElement | undefined;
/** Checks this console has confirmed: a repeat of one (a reconnect racing the answer) shows nothing. */
const confirmed = new Set<string>();

function region(): HTMLElement {
  // The banner's live region exists from the start, so screen readers announce what appears in it.
  if (!banner) {
    banner = h('div', { id: 'comcheck-banner', class: 'comcheck-banner', 'aria-live': 'polite', hidden: true });
    byId('main').before(banner);
  }
  return banner;
}

async function confirm(socket: DrillSocket, check: ComcheckPayload, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const path = `/api/exercises/${check.exerciseId}/comcheck/${check.comcheckId}/confirm`;
  try {
    const reply: ComcheckConfirmReply = socket.connected
      ? await socket.timeout(10_000).emitWithAck('comcheck.confirm', { comcheckId: check.comcheckId })
      : await api<ComcheckConfirmReply>(path, { method: 'POST' });
    if (reply.error) throw new Error(reply.error.message);
  } catch (e) {
    button.disabled = false;
    toast(`Could not confirm the communications check: ${errorText(e)}`, 'error');
    return;
  }
  confirmed.add(check.comcheckId);
  const box = region();
  clear(box);
  box.hidden = true;
  announce('Communications check confirmed');
}

function show(socket: DrillSocket, check: ComcheckPayload): void {
  if (confirmed.has(check.comcheckId)) return;
  const box = region();
  const button = h('button', { type: 'button', class: 'primary', id: 'comcheck-confirm' }, 'Confirm');
  button.addEventListener('click', () => void confirm(socket, check, button));
  clear(
    box,
    h(
      'p',
      {},
      h('strong', {}, 'Communications check from drill control'),
      ' — please confirm you receive this. ',
      button,
    ),
  );
  box.hidden = false;
  announce('Communications check from drill control: please confirm');
}

/** Listens for checks on the console's socket (call from `connectLive`'s `listen`, before it connects). */
export function listenComcheck(socket: DrillSocket): void {
  region();
  socket.on('comcheck', (check, reached) => {
    reached?.();
    show(socket, check);
  });
}
