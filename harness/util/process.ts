/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user (a lock in /tmp held by another user's run).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
