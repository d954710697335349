// fdatasync of a file by path, off the JS thread. The callback API on purpose: under Bun, fs/promises'
// FileHandle.datasync() was measured spending a good part of the sync on the JS thread (0.8 of 2 ms for 1 MiB),
// fs.fdatasync almost none.
import { close, fdatasync, open } from "node:fs";

/** Resolves once the file's data is on disk; false when the file does not exist (nothing to sync). */
export async function syncFile(path: string): Promise<boolean> {
  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) => open(path, "r+", (e, d) => (e ? reject(e) : resolve(d))));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
  try {
    await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
    return true;
  } finally {
    await new Promise<void>((resolve) => close(fd, () => resolve()));
  }
}
