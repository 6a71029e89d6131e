// The optional chime on a new inject; the choice is kept in the browser.
import { byId } from '../common/dom.js';

let audio: AudioContext | undefined;
const soundBox = () => byId('sound', HTMLInputElement);

export function setupSound(): void {
  const box = soundBox();
  box.checked = localStorage.getItem('drill.sound') === '1';
  box.addEventListener('change', () => localStorage.setItem('drill.sound', box.checked ? '1' : '0'));
}

export function beep(): void {
  if (!soundBox().checked) return;
  try {
    audio = audio ?? new AudioContext();
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = 880;
    g.gain.value = 0.08;
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.18);
  } catch {
    /* sound is optional */
  }
}
