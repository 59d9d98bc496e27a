import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface WatchOptions {
  /** Directories watched with everything under them. */
  dirs: readonly string[];
  /** Editors save in bursts (write, rename, chmod): changes within this window make one batch. */
  debounceMs?: number;
  /** Called with the absolute paths that changed; the next batch waits until it settles. */
  onChange: (files: string[]) => Promise<void> | void;
  onError?: (error: unknown) => void;
}

export interface Watcher {
  close(): void;
}

/**
 * Watches directory trees (recursive fs.watch, which Node supports on Linux, macOS and Windows)
 * and reports changed files in debounced batches, one batch at a time.
 */
export function watchFiles(options: WatchOptions): Watcher {
  const debounceMs = options.debounceMs ?? 100;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let closed = false;

  const flush = async () => {
    timer = undefined;
    if (running || pending.size === 0 || closed) return;
    running = true;
    const files = [...pending];
    pending.clear();
    try {
      await options.onChange(files);
    } catch (error) {
      options.onError?.(error);
    } finally {
      running = false;
      // Changes made while the batch ran form the next batch.
      if (pending.size > 0 && !closed) schedule();
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };

  const watchers: FSWatcher[] = options.dirs.map((dir) =>
    watch(dir, { recursive: true }, (_event, name) => {
      if (!name) return;
      pending.add(join(dir, name.toString()));
      schedule();
    }).on('error', (error) => options.onError?.(error)),
  );

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
