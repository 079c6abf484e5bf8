/**
 * Runs a CLI command in this process with its standard output captured and
 * its standard error silenced: the exit code it returns and what it printed.
 */
export async function captureCliOutput(run: () => Promise<number>): Promise<{ code: number; stdout: string }> {
  const written: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(chunk.toString());
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await run(), stdout: written.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
