/**
 * The functions' one clock. Everything that decides an expiry reads the time here, through
 * Date.now(), so tests move it (jest's fake Date, or a shifted Date.now in a function process)
 * without waiting and without touching timers.
 */
export function currentTime(): Date {
  return new Date(Date.now());
}
