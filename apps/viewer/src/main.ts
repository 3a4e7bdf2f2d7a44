/**
 * The page: picks or takes a dropped file, hands its bytes to the worker, shows the files and
 * records it lists, and the regions asked for. Clicking a record shows its first 600 bases.
 */
import type { Reply, Request } from './messages.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (request: Request, transfer: Transferable[] = []) => worker.postMessage(request, transfer);

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

worker.onmessage = (event: MessageEvent<Reply>) => {
  const message = event.data;
  if (message.type === 'error') return say(message.message, true);
  if (message.type === 'opened') {
    $('title').textContent = message.title;
    const body = $<HTMLTableSectionElement>('records');
    body.replaceChildren(
      ...message.rows.map((row) => {
        const tr = document.createElement('tr');
        for (const [text, numeric] of [[String(row.index), true], [row.file, false], [row.name, false], [row.length.toLocaleString('en'), true], [row.codec, false]] as const) {
          const td = document.createElement('td');
          td.textContent = text;
          if (numeric) td.className = 'number';
          tr.append(td);
        }
        tr.addEventListener('click', () => showRegion(`${row.name.split(/\s/, 1)[0]}:1-${Math.min(row.length, 600)}`));
        return tr;
      }),
    );
    $('contents').hidden = false;
    $('sequence').textContent = '';
    return say('Open. Click a record, or type a region.');
  }
  $('sequence').textContent = message.fasta;
  say(message.warning ? `Shown (${message.warning}).` : 'Shown.');
};

function showRegion(text: string): void {
  $<HTMLInputElement>('region').value = text;
  say(`Decoding ${text}…`);
  send({ type: 'region', text });
}

async function openFile(file: File): Promise<void> {
  say(`Reading ${file.name}…`);
  const bytes = await file.arrayBuffer();
  send({ type: 'open', bytes, name: file.name }, [bytes]);
}

$<HTMLInputElement>('file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void openFile(file);
});
const drop = $('drop');
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file) void openFile(file);
});
$<HTMLFormElement>('region-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $<HTMLInputElement>('region').value.trim();
  if (text) showRegion(text);
});
