/** A one-line progress bar on a terminal; plain lines every 10% otherwise (CI logs). */
export function progressLine(label: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  const started = Date.now();
  return (done, total) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
    if (tty) {
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${rate}/s)`,
      );
      if (done >= total) process.stderr.write('\n');
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${total} (${rate}/s)\n`);
      }
    }
  };
}
