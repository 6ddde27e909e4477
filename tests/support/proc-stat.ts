/** A /proc/<pid>/stat line as the kernel writes it, with the given ppid, utime and stime (rss: 4940 pages). */
export function pidStat(pid: number, comm: string, ppid: number, utime: number, stime: number): string {
  return `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 105868 7471454 0 1358 ${utime} ${stime} 24978 7807 20 0 14 0 12 54734848 4940 18446744073709551615 1 1 0 0`;
}
