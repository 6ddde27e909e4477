/** Keeps the last N lines of a stream of chunks (an app's stdout and stderr). */
export class LineBuffer {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((line) => line.trim() !== ''));
    if (this.lines.length > this.capacity) this.lines = this.lines.slice(-this.capacity);
  }

  last(count: number): string[] {
    const all = this.partial.trim() ? [...this.lines, this.partial] : this.lines;
    return all.slice(-count);
  }
}
